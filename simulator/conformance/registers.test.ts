/**
 * The read expectations of the conformance suite against the protocol catalogue (docs/protocol.md
 * §7.1): every register probe's reply size is one the catalogue's codec for that register accepts,
 * so the suite and the decoders read the same table.
 */
import { describe, expect, it } from 'vitest';
import { findCommand, isGeneric, MODELS } from '../../protocol/index.js';
import { probeLabel, readProbes } from './registers.js';

describe('readProbes', () => {
  it.each(MODELS.filter((m) => m.scp).map((m) => m.id))('%s: every reply size is in the catalogue', (id) => {
    const model = MODELS.find((m) => m.id === id);
    if (!model) throw new Error(id);
    const unknown = readProbes(model)
      .filter((p) => p.kind === 'register')
      .filter((p) => {
        const payload = new Uint8Array(p.size);
        payload[0] = p.argument?.[0] ?? 0;
        return isGeneric(findCommand(p.unit, false, p.address, false, true, payload));
      })
      .map(probeLabel);
    expect(unknown).toEqual([]);
  });

  it('has no probes for models without SCP (docs/protocol.md §1.1)', () => {
    for (const model of MODELS.filter((m) => !m.scp)) expect(readProbes(model)).toEqual([]);
  });
});
