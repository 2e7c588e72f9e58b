import { describe, expect, it } from 'vitest';
import { THROTTLES, type Throttle, throttleAttempt, throttleRefusal } from './throttle.js';

const fail = THROTTLES.login;
const send = THROTTLES.send;

/** `n` attempts at `atMs`, each one checked first as the service does. */
function attempts(n: number, atMs: number, start?: Throttle) {
  let t = start;
  const refused: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = throttleRefusal(t, fail, atMs);
    if (r) refused.push(i);
    else t = throttleAttempt(t, 'k', fail, atMs);
  }
  return { t, refused };
}

describe('throttles (docs/security.md "Throttling")', () => {
  it('five free attempts, then 30 s doubling to 15 min', () => {
    const { t, refused } = attempts(6, 0);
    expect(refused).toEqual([5]);
    expect(t?.blockedUntilMs).toBe(30_000);
    const refusal = throttleRefusal(t, fail, 10_000);
    expect([refusal?.code, refusal?.retryAfterMs]).toEqual(['REGISTRY_RATE_LIMITED', 20_000]);
    let next = t;
    const waits: number[] = [];
    for (let at = 30_000, i = 0; i < 8; i++) {
      expect(throttleRefusal(next, fail, at)).toBeUndefined();
      next = throttleAttempt(next, 'k', fail, at);
      waits.push(next.blockedUntilMs - at);
      at = next.blockedUntilMs;
    }
    expect(waits).toEqual([60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000, 900_000]);
  });

  it('at most 100 guesses an hour get through (ASVS 2.2.1)', () => {
    let t: Throttle | undefined;
    let through = 0;
    for (let at = 0; at < 3_600_000; at += 1_000)
      if (!throttleRefusal(t, fail, at)) {
        t = throttleAttempt(t, 'k', fail, at);
        through++;
      }
    expect(through).toBeLessThanOrEqual(100);
    expect(through).toBe(12);
  });

  it('a day without attempts forgets them; a free attempt never blocks, even if the clock goes back', () => {
    const { t } = attempts(5, 0);
    expect(throttleRefusal(t, fail, 86_400_000)).toBeUndefined();
    expect(throttleAttempt(t, 'k', fail, 86_400_000).count).toBe(1);
    const one = throttleAttempt(undefined, 'k', fail, 5_000);
    expect(throttleRefusal(one, fail, 0)).toBeUndefined();
  });

  it('five messages an hour to one address, counted in a fixed window', () => {
    let t: Throttle | undefined;
    for (let i = 0; i < 5; i++) {
      expect(throttleRefusal(t, send, i * 1_000)).toBeUndefined();
      t = throttleAttempt(t, 'k', send, i * 1_000);
    }
    expect(throttleRefusal(t, send, 3_599_999)?.retryAfterMs).toBe(1);
    expect(throttleRefusal(t, send, 3_600_000)).toBeUndefined();
    expect(throttleAttempt(t, 'k', send, 3_600_000)).toMatchObject({ count: 1, windowStartMs: 3_600_000 });
  });
});
