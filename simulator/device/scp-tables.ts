/**
 * Long-table reads (docs/protocol.md §8.2 clock, docs/protocol.md §9 usage counters, docs/protocol.md §10
 * other tables, D-25): the table data after the table id, from the firmware model's RTC and counters and the
 * register store.
 */
import { TABLE_CLOCK, TABLE_USAGE_COUNTERS, type Unit } from '../../protocol/index.js';
import { onePiece, replyPayload, rtc, type ScpContext } from './scp-reads.js';
import { tableKey } from './scp-store.js';

/** docs/protocol.md §9.3 block sets; tags the firmware adds beyond these follow in tag order. */
const BLOCK_ORDER = {
  onePiece: ['8E', '1D', '17', '18'],
  case: ['1E', '1D', '17', '18', '14'],
  holder: ['8E', '20', '17', '18'],
} as const;

function counterBlocks(record: Record<string, number>, order: readonly string[]) {
  const tags = [
    ...order.filter((t) => t in record),
    ...Object.keys(record)
      .filter((t) => !order.includes(t))
      .sort((a, b) => Number.parseInt(a, 16) - Number.parseInt(b, 16)),
  ];
  return tags.map((tag, index) => ({
    index,
    padHex: '00 00 00',
    value: Math.max(0, Math.min(0xffffff, Math.round(record[tag] ?? 0))),
    tag: Number.parseInt(tag, 16) & 0xff,
  }));
}

function usageCounters(ctx: ScpContext, unit: Unit): Uint8Array {
  const c = ctx.fw.counters(); // tag 17 computed from each unit's clock (D-28)
  // One-piece devices keep one set (the main unit's); C9 answers it too (docs/protocol.md §1.2: C9 is
  // served).
  const blocks = onePiece(ctx)
    ? counterBlocks(c.charger, BLOCK_ORDER.onePiece)
    : unit === 'charger'
      ? counterBlocks(c.charger, BLOCK_ORDER.case)
      : counterBlocks(c.holder, BLOCK_ORDER.holder);
  return replyPayload('get-usage-counters', { blocks });
}

/** Table data (after the table id) of a long read, or undefined for a table the unit does not have. */
export function readTable(ctx: ScpContext, unit: Unit, table: number): Uint8Array | undefined {
  if (unit === 'flexpuff') return undefined;
  switch (table) {
    case TABLE_CLOCK: // docs/protocol.md §8.2: base date 2010-01-01, then the seconds
      return replyPayload('get-clock', {
        baseYear: 2010,
        baseMonth: 1,
        baseDay: 1,
        seconds: rtc(ctx, unit),
      });
    case TABLE_USAGE_COUNTERS:
      return usageCounters(ctx, unit);
    case 0x0000:
    case 0x0001:
    case 0x0100: // docs/protocol.md §10: charger only; D-25: empty unless a blob is configured
      return unit === 'charger' ? (ctx.store.get(tableKey(unit, table)) ?? new Uint8Array(0)) : undefined;
    case 0x0002:
      return ctx.store.get(tableKey(unit, table)) ?? new Uint8Array(0);
    default:
      return undefined;
  }
}
