/**
 * Issue 15: the 3-year care retention and expired sessions and codes were purged only as a side
 * effect of a read. Now reads never delete, and the retention sweep runs on a timer of the server
 * (docs/security.md "Retention").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../testing/index.js';

let registry: Registry;
let sweep: (() => void) | undefined;
let intervalMs = 0;

beforeAll(async () => {
  registry = await createRegistry({
    schedule: (run, every) => {
      sweep = run;
      intervalMs = every;
      return () => {
        sweep = undefined;
      };
    },
  });
});
afterAll(() => registry.close());

const count = (table: string) =>
  Number(registry.server.store.query(`SELECT count(*) AS n FROM ${table}`)[0]?.n);

it('past their retention, reads hide records without deleting them; the timed sweep deletes them', async () => {
  expect(intervalMs).toBe(60_000);
  const user = await registry.newUser();
  await user.call('POST', '/care/inquiries', { text: 'How do I clean the heating blade?' });
  await registry.client.raw('POST', '/auth/password/forgot', { email: user.email });
  registry.clock.advance(3 * 366 * 86_400_000);
  const again = registry.client.as((await registry.client.login(user.email, 'correct horse 1')).token);
  expect(await again.call('GET', '/care/inquiries')).toEqual([]);
  expect([count('inquiries'), count('secrets')]).toEqual([1, 1]);
  expect(count('sessions')).toBe(2);

  sweep?.();
  await expect.poll(() => count('inquiries')).toBe(0);
  expect([count('secrets'), count('sessions')]).toEqual([0, 1]);
});
