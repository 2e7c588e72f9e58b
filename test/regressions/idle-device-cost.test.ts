/**
 * Regression for issue 19 item 1: an idle device on a busy clock cost work at every step. The clock
 * asked every followed device for its deadline at each timer or deadline anywhere (and each device
 * scanned its own timers to answer), so one heating device made a thousand idle ones cost a
 * thousand reads per step. Now a device tells the clock when its deadline moves
 * (`VirtualDevice.watchDeadline`): while nothing of its own is due, an idle device is neither stepped
 * nor asked. Fails without the fix on the `nextDeadline` count (hundreds of reads instead of one).
 */
import { describe, expect, it, vi } from 'vitest';
import { createVirtualDevice, VirtualClock } from '../../simulator/index.js';

describe('an idle device on a busy clock', () => {
  it('is not stepped or asked for its deadline while nothing of its own is due', () => {
    const clock = new VirtualClock();
    const idle = createVirtualDevice({ model: 'iluma-i', seed: 1 });
    const busy = createVirtualDevice({ model: 'iluma-i', seed: 2, firmware: { initial: { docked: false } } });
    const handleTimeout = vi.spyOn(idle, 'handleTimeout');
    const nextDeadline = vi.spyOn(idle, 'nextDeadline');
    clock.follow(idle);
    clock.follow(busy);
    busy.input({ type: 'stick', action: 'insert' }, 0);
    // A user puffing every 30 s, and a timer every 100 ms: plenty of steps for the clock.
    for (let t = 20_000; t < 60_000; t += 30_000)
      clock.schedule(t, (now) => busy.input({ type: 'puff' }, now));
    for (let t = 100; t <= 60_000; t += 100) clock.schedule(t, () => undefined);

    const idleDueMs = idle.nextDeadline() ?? Number.POSITIVE_INFINITY;
    expect(idleDueMs).toBeGreaterThan(60_000);
    nextDeadline.mockClear();
    clock.advanceTo(60_000);

    expect(busy.firmware.heating()).toBe(true);
    expect(handleTimeout).not.toHaveBeenCalled();
    // Read once, when followed; never again, since nothing moved its deadline.
    expect(nextDeadline.mock.calls.length).toBeLessThanOrEqual(1);
  });
});
