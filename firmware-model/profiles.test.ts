/**
 * Model profiles (docs/device.md §1) and parameters (docs/device.md §14): ids, capabilities, overrides and
 * their checks.
 */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';
import { allProfiles, getProfile, resolveParams } from './profiles.js';

describe('profiles', () => {
  it('lists the ten models; unknown ids throw FIRMWARE_UNKNOWN_MODEL', () => {
    expect(allProfiles()).toHaveLength(10);
    expect(() => getProfile('iqos-9')).toThrow(expect.objectContaining({ code: 'FIRMWARE_UNKNOWN_MODEL' }));
  });

  it('one-piece models have one part; FlexPuff only where the matrix says', () => {
    expect(getProfile('iluma-i-one').parts).toBe('one-piece');
    expect(getProfile('iluma-i').capabilities).toContain('flexPuff');
    expect(getProfile('iqos-3-duo').capabilities).not.toContain('flexPuff');
  });

  it('parameter overrides merge over the defaults; mistyped ones throw FIRMWARE_PARAM', () => {
    const p = resolveParams(getProfile('iluma-i'), { session: { preheatSeconds: 25 } });
    expect(p.session.preheatSeconds).toBe(25);
    expect(p.session.maxPuffs).toBe(14);
    expect(p.counters.dayOffset).toBe(-1);
    expect(
      () => new Firmware('iluma-i', { params: { session: { preheatSeconds: 'x' as unknown as number } } }),
    ).toThrow(expect.objectContaining({ code: 'FIRMWARE_PARAM' }));
  });
});
