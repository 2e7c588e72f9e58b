/**
 * Model profiles (docs/device.md §1) and parameters (docs/device.md §14): ids, capabilities, overrides and
 * their checks.
 */
import { describe, expect, it } from 'vitest';
import { MODELS } from '../protocol/index.js';
import { Firmware } from './firmware.js';
import { allProfiles, getProfile, resolveParams } from './profiles.js';

describe('profiles', () => {
  it('lists the ten models; unknown ids throw FIRMWARE_UNKNOWN_MODEL', () => {
    expect(allProfiles()).toHaveLength(10);
    expect(() => getProfile('iqos-9')).toThrow(expect.objectContaining({ code: 'FIRMWARE_UNKNOWN_MODEL' }));
  });

  it('every model of the protocol table has its profile, ids any case; only ILUMA i ONE ignores Find My', () => {
    expect(allProfiles().map((profile) => profile.id)).toEqual(MODELS.map((model) => model.id));
    expect(getProfile('ILUMA-I').id).toBe('iluma-i');
    expect(
      allProfiles()
        .filter((profile) => !profile.findMy)
        .map((profile) => profile.id),
    ).toEqual(['iluma-i-one']);
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
