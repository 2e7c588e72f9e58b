/**
 * `iqsim label --model M [--seed N] --png FILE | --svg FILE`: the device's label with its device ID
 * as a QR code (issue #12 item 3). The device ID is the product number of the main unit, the
 * charger's on two-piece models (registration-rules D-R4), which the virtual device also reports as
 * its DIS serial (protocol D-20) and as the C0 product number (S 0x0C, docs/protocol.md §7.6): an app can
 * read it over Bluetooth and compare it with the label. The QR code holds the registration layer's label
 * text, `IQOS1:<device ID>:<check character>` (`qrPayload`, docs/registration.md).
 *
 * The PNG is the QR code alone (what a scanner or the companion app's file input reads); the SVG is
 * the whole label: model name, the QR code and the ID in print.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { getProfile } from '../firmware-model/index.js';
import { getModel } from '../protocol/index.js';
import { qrPayload } from '../registration/index.js';
import { generateIdentity } from '../simulator/index.js';
import { type CliIo, CliUsageError } from './io.js';

export interface LabelData {
  model: string;
  displayName: string;
  deviceId: string;
  /** What the QR code holds. */
  qr: string;
}

/** The label of the virtual device of `model` and `seed` (the same identity `createVirtualDevice` makes). */
export function labelOf(model: string, seed: number): LabelData {
  const profile = getProfile(model);
  const identity = generateIdentity(profile, seed);
  const deviceId = identity.chargerProductNumber;
  return {
    model: profile.id,
    displayName: getModel(profile.id).displayName,
    deviceId,
    qr: qrPayload(deviceId),
  };
}

/** The QR code alone as PNG bytes, `scale` pixels per module, a 4-module quiet zone (ISO/IEC 18004). */
export async function labelPng(label: LabelData, scale = 8): Promise<Uint8Array> {
  const { toBuffer } = await import('qrcode');
  return toBuffer(label.qr, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale });
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The whole label as SVG: 60 × 80 mm, the name on top, the QR code, then the ID in print. */
export async function labelSvg(label: LabelData): Promise<string> {
  const qrcode = await import('qrcode');
  const qr = (await qrcode.toString(label.qr, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })).trim();
  const nested = qr.replace('<svg ', '<svg x="6" y="12" width="48" height="48" ');
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="80mm" viewBox="0 0 60 80">',
    '<rect x="0.5" y="0.5" width="59" height="79" rx="3" fill="#ffffff" stroke="#000000" stroke-width="0.3"/>',
    `<text x="30" y="9" text-anchor="middle" font-family="sans-serif" font-size="5" font-weight="bold">${escapeXml(label.displayName)}</text>`,
    nested,
    '<text x="30" y="67" text-anchor="middle" font-family="sans-serif" font-size="3">DEVICE ID</text>',
    `<text x="30" y="74" text-anchor="middle" font-family="monospace" font-size="4.4">${escapeXml(label.deviceId)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

interface LabelFlags {
  model: string;
  seed: string;
  png?: string;
  svg?: string;
  json?: boolean;
}

async function write(file: string, data: Uint8Array | string): Promise<string> {
  try {
    await writeFile(file, data);
  } catch (error) {
    throw new CliUsageError('CLI_WRITE_FAILED', `cannot write ${file}: ${(error as Error).message}`);
  }
  return file;
}

export function registerLabel(program: Command, io: CliIo): void {
  program
    .command('label')
    .description("write a device's label: its device ID as a QR code (PNG) or the whole label (SVG)")
    .requiredOption('-m, --model <name>', 'model id (see iqsim models)')
    .option('--seed <n>', 'identity seed (as for iqsim run / exchange)', '1')
    .option('--png <file>', 'write the QR code as PNG')
    .option('--svg <file>', 'write the whole label as SVG')
    .option('--json', 'print {"ok": true, "deviceId", "model", "files"}')
    .addHelpText(
      'after',
      `
Examples:
  iqsim label --model iluma-i --seed 3 --png label.png
  iqsim label --model iqos-3-duo --svg label.svg --json`,
    )
    .action(async (flags: LabelFlags) => {
      const seed = Number(flags.seed);
      if (!Number.isInteger(seed) || seed < 0)
        throw new CliUsageError('CLI_BAD_SEED', 'seed must be a non-negative integer');
      if (!flags.png && !flags.svg) throw new CliUsageError('CLI_NO_OUTPUT', 'give --png FILE or --svg FILE');
      const label = labelOf(flags.model, seed);
      const files: string[] = [];
      if (flags.png) files.push(await write(flags.png, await labelPng(label)));
      if (flags.svg) files.push(await write(flags.svg, await labelSvg(label)));
      if (flags.json)
        io.out(
          `${JSON.stringify({ ok: true, deviceId: label.deviceId, qr: label.qr, model: label.model, files })}\n`,
        );
      else io.out(`${label.displayName} device ID ${label.deviceId} → ${files.join(', ')}\n`);
    });
}
