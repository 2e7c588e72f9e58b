/** D-9 reassembly deadline and D-11 queue depth of the SCP intake, in virtual time. */
import { describe, expect, it } from 'vitest';
import { hexBytes } from '../../protocol/index.js';
import { emptyScpDiagnostics } from './scp.js';
import { ScpIntake } from './scp-intake.js';

describe('D-9: a partial BLE frame goes stale at its deadline', () => {
  it('reports the deadline, discards at it and counts it', () => {
    const diag = emptyScpDiagnostics();
    const intake = new ScpIntake(diag);
    expect(intake.pushBle(hexBytes('01 C9 4F 04 5B 04 00 FF FF FF 00'), 2_000)).toBeUndefined();
    expect(intake.nextDeadline()).toBe(3_000);
    expect(intake.handleTimeout(2_999)).toBe(false);
    expect(intake.handleTimeout(3_000)).toBe(true);
    expect(intake.nextDeadline()).toBeUndefined();
    expect(diag).toMatchObject({ staleFrames: 1, malformed: 1 });
  });

  it('a whole frame after a stale partial still goes through, without a second count', () => {
    const diag = emptyScpDiagnostics();
    const intake = new ScpIntake(diag, { reassemblyTimeoutMs: 500 });
    intake.pushBle(hexBytes('01 C9 4F 04 5B'), 0);
    expect(intake.pushBle(hexBytes('00 C0 02 23 C3'), 10_000)).toEqual(hexBytes('C0 02 23 C3'));
    expect(diag).toMatchObject({ staleFrames: 1, malformed: 1 });
  });

  it('a disconnect drops the partial frame: no deadline left', () => {
    const intake = new ScpIntake(emptyScpDiagnostics());
    intake.pushBle(hexBytes('01 C9 4F 04 5B'), 0);
    intake.disconnect();
    expect(intake.nextDeadline()).toBeUndefined();
  });
});

describe('D-11: sixteen replies owed per transport, the 17th request dropped', () => {
  it('admits 16, drops the 17th and counts it; a slot frees when its reply leaves', () => {
    const diag = emptyScpDiagnostics();
    const intake = new ScpIntake(diag);
    for (let i = 0; i < 16; i++) {
      expect(intake.admit('usb', 100)).toBe(true);
      intake.owe('usb', 105 + i);
    }
    expect(intake.pending('usb', 100)).toBe(16);
    expect(intake.admit('usb', 100)).toBe(false);
    expect(diag.queueOverflow).toBe(1);
    expect(intake.admit('att', 100)).toBe(true); // the other transport has its own queue
    expect(intake.admit('usb', 105)).toBe(true);
    expect(intake.pending('usb', 110)).toBe(10);
  });

  it('takes a configured depth', () => {
    const intake = new ScpIntake(emptyScpDiagnostics(), { queueDepth: 1 });
    expect(intake.admit('att', 0)).toBe(true);
    intake.owe('att', 5);
    expect(intake.admit('att', 4)).toBe(false);
    expect(intake.admit('att', 5)).toBe(true);
  });
});
