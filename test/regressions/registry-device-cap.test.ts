/**
 * Issue 15: POST /devices had no per-account cap (60 sequential device IDs → 60 × 201 in 96 ms). An
 * account now holds at most 20 devices (configurable: `maxDevicesPerAccount`, `--max-devices`).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../testing/index.js';
import { deviceIdOf, refused } from '../registration-helpers.js';

let registry: Registry;
beforeAll(async () => {
  registry = await createRegistry();
});
afterAll(() => registry.close());

it('the 21st device of one account is refused; releasing one makes room', async () => {
  const user = await registry.newUser();
  for (let i = 0; i < 20; i++) await user.registerDevice(deviceIdOf(5_000 + i));
  const refusal = await refused(user.registerDevice(deviceIdOf(5_020)), 'REGISTRY_DEVICE_LIMIT');
  expect(refusal.status).toBe(409);
  await user.registerDevice(deviceIdOf(5_000));
  await user.call('POST', `/devices/${deviceIdOf(5_000)}/money-back`, { confirm: true });
  await user.registerDevice(deviceIdOf(5_020));
});

it('the cap is configurable', async () => {
  const small = await createRegistry({ maxDevicesPerAccount: 2 });
  try {
    const user = await small.newUser();
    await user.registerDevice(deviceIdOf(6_000));
    await user.registerDevice(deviceIdOf(6_001));
    await refused(user.registerDevice(deviceIdOf(6_002)), 'REGISTRY_DEVICE_LIMIT');
  } finally {
    await small.close();
  }
});
