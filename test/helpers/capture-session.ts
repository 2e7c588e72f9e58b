/**
 * The session the capture, diff and replay tests record (docs/captures.md "Transcripts"): a BLE
 * central connects to `device`, reads the Device Information, the battery, the holder's product number,
 * sets the brightness and reads the usage counters, then disconnects; all in virtual time.
 */
import {
  type CaptureEvent,
  CaptureList,
  InMemoryLink,
  IqosClient,
  runUntilSettled,
  VirtualClock,
  type VirtualDevice,
} from '../../simulator/index.js';

export async function recordSession(device: VirtualDevice): Promise<CaptureEvent[]> {
  const capture = new CaptureList();
  const clock = new VirtualClock(0);
  device.captureTo(capture);
  const link = new InMemoryLink(clock, device, { latencyMs: 1 });
  const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock, channel: 'ble' }));
  await runUntilSettled(clock, client.readDeviceInformation());
  await runUntilSettled(clock, client.getBatteryPercent());
  await runUntilSettled(clock, client.getProductNumber('holder'));
  await runUntilSettled(clock, client.setBrightness('low'));
  await runUntilSettled(clock, client.readUsageCounters('charger'));
  link.close();
  device.captureTo(undefined);
  return capture.events;
}
