// Reads the text of a QR code in an image file (a photo or scan of the device's label). Uses the
// browser's BarcodeDetector where it exists (Chrome on Android, macOS, ChromeOS); elsewhere (Chrome
// on Linux and Windows, Firefox) jsQR, which `iqsim app` serves from its npm package at
// vendor/jsQR.js and the page loads only then.

let jsQrLoading;

function loadJsQr() {
  jsQrLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'vendor/jsQR.js';
    script.onload = () => resolve(globalThis.jsQR);
    script.onerror = () => reject(new Error('The QR decoder could not be loaded.'));
    document.head.append(script);
  });
  return jsQrLoading;
}

async function withDetector(bitmap) {
  if (!('BarcodeDetector' in globalThis)) return undefined;
  const formats = await globalThis.BarcodeDetector.getSupportedFormats();
  if (!formats.includes('qr_code')) return undefined;
  const found = await new globalThis.BarcodeDetector({ formats: ['qr_code'] }).detect(bitmap);
  return found[0]?.rawValue ?? null;
}

export async function readQrFile(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error('This file is not an image.');
  }
  const detected = await withDetector(bitmap);
  if (detected !== undefined) {
    if (detected === null) throw new Error('No QR code found in this image.');
    return detected;
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height);
  const jsQR = await loadJsQr();
  const code = jsQR(pixels.data, pixels.width, pixels.height);
  if (!code) throw new Error('No QR code found in this image.');
  return code.data;
}
