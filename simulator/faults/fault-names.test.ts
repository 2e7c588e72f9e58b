/**
 * Fault names (docs/faults.md "Names and what an app shows"): every id of the injector's catalogue has
 * one name and two sentences, names are unique and kebab-case, both forms resolve, and the table in
 * docs/faults.md says exactly what `FAULT_GUIDE` says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULT_GUIDE, type FaultId, faultIdOf } from './fault-names.js';
import { DEVICE_FAULTS, LINK_FAULTS } from './faults-catalogue.js';

const ids = Object.keys(FAULT_GUIDE) as FaultId[];

describe('fault names', () => {
  it('cover the catalogue exactly, one unique kebab-case name per id', () => {
    expect(ids.sort()).toEqual([...DEVICE_FAULTS, ...LINK_FAULTS].map((f) => f.id).sort());
    const names = ids.map((id) => FAULT_GUIDE[id].name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('resolve by id or name', () => {
    for (const id of ids) {
      expect(faultIdOf(id)).toBe(id);
      expect(faultIdOf(FAULT_GUIDE[id].name)).toBe(id);
    }
    expect(faultIdOf('heater-too-hot')).toBe('F-02');
  });

  it('are listed in docs/faults.md as FAULT_GUIDE has them', () => {
    const doc = readFileSync('docs/faults.md', 'utf8');
    for (const id of ids) {
      const { name, device, app } = FAULT_GUIDE[id];
      expect(doc).toContain(`| ${id} | \`${name}\` | ${device} | ${app} |`);
    }
  });
});
