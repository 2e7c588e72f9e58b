/**
 * The README's example test, kept true: the same code, run here through the package name (Node's
 * self-reference through package.json `exports`, so a missing `iqsim/testing` entry fails here;
 * `npm test` builds dist/ first). test/pack.test.ts runs the README's own text against the tarball.
 */
import { createRig } from 'iqsim/testing';
import { expect, it } from 'vitest';

it('reads the battery and sees a session end', async () => {
  const rig = await createRig({ model: 'iluma-i' });
  const client = rig.client;
  if (!client) throw new Error('no client');
  expect((await rig.run(client.readBattery())).chargerLevelPct).toBe(80);
  rig.input({ type: 'undock' });
  rig.input({ type: 'stick', action: 'insert' });
  rig.expectLight('holder', { pattern: 'pulse', colour: 'white' });
  rig.advance(400_000);
  const status = await rig.run(client.readStatus());
  expect(status.holder1?.lastExperience?.endOfHeatReason).toBe(2);
  rig.close();
});
