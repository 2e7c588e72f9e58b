/**
 * Issue #4 acceptance, end to end through the in-memory link (BLE: ATT writes and notifications;
 * USB: 64-byte reports): every request vector gets a reply that decodes with a valid CRC and names
 * the request's register or table; the bad-CRC requests get no reply and change nothing.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame, hexBytes } from '../protocol/index.js';
import { requestFrame, runExchange } from '../simulator/index.js';
import { VECTORS } from './fixtures/vectors.js';

const requests = VECTORS.filter((v) => v.kind === 'request' && v.transport !== 'char');

function logical(v: (typeof requests)[number]): Uint8Array {
  return v.logicalHex ? hexBytes(v.logicalHex) : requestFrame(v.hex);
}

describe.each(['ble', 'usb'] as const)('request vectors over %s', (transport) => {
  it('valid requests are answered on the same register; bad CRCs are dropped', async () => {
    const frames = requests.map(logical);
    const exchanges = await runExchange(frames, { model: 'iluma-i', transport });
    expect(exchanges).toHaveLength(requests.length);
    for (const [i, v] of requests.entries()) {
      const e = exchanges[i];
      if (!e) throw new Error('missing exchange');
      if (!v.crcValid) {
        expect(e.replies, `${v.id} (bad CRC)`).toEqual([]);
        continue;
      }
      expect(e.replies.length, v.id).toBe(1);
      const reply = decodeFrame(hexBytes(e.replies[0] as string));
      expect(reply.ok, `${v.id}: ${e.replies[0]}`).toBe(true);
      const request = decodeFrame(frames[i] as Uint8Array, { crcPosition: 'either' });
      if (!reply.ok || !request.ok) continue;
      expect(reply.value.kind).toBe('response');
      expect(reply.value.register ?? reply.value.table, v.id).toBe(
        request.value.register ?? request.value.table,
      );
    }
  });
});
