/**
 * `iqsim send <transport> <hex...> [--json] [--window-ms n] [--record file.jsonl]` (issue #5 item 5):
 * `iqsim exchange` over any transport in real time. Each request frame goes out in order, every
 * reply frame arriving within the window after it is collected and decoded. Exit 1 when a request
 * got no reply or the link failed, 2 on a bad spec or frame.
 */
import type { Command } from 'commander';
import { toHex } from '../protocol/index.js';
import { decodeReply, type Exchange, type IqosClient, type Scheduler } from '../simulator/index.js';
import type { OpenedTransport } from '../simulator/transports/index.js';
import { parseRequestArgs } from './exchange.js';
import { type CliContext, type CliIo, CliUsageError, EXIT_FAILED } from './io.js';
import { type LinkFlags, linkOptions, withClient } from './probe.js';

interface Flags extends LinkFlags {
  json?: boolean;
  windowMs: string;
}

export function registerSend(program: Command, { io, setExit }: CliContext): void {
  linkOptions(
    program
      .command('send')
      .description('send raw request frames over a transport (real time) and print the decoded replies')
      .argument(
        '<transport>',
        'sim:<model>[?seed=n&channel=ble|usb], serial:<path>[?baud=n] or ble:<address>',
      )
      .argument(
        '<hex...>',
        'request frames, each quoted: a BLE value with its transport byte, or a logical frame',
      )
      .option('--json', 'print {"ok": true, "exchanges": [{"request", "replies", "decoded"}]}')
      .option('--window-ms <n>', 'how long to collect replies after each request, ms', '300'),
  )
    .addHelpText(
      'after',
      `
Examples:
  iqsim send sim:iluma-i "C0 02 23 C3"
  iqsim send serial:/tmp/ttyIQOS --json "C0 00 01 07" "C0 02 23 C3"`,
    )
    .action(async (spec: string, hex: string[], flags: Flags) => {
      const windowMs = Number(flags.windowMs);
      if (!(Number.isInteger(windowMs) && windowMs > 0))
        throw new CliUsageError('CLI_BAD_WINDOW', 'window-ms must be a whole number > 0');
      const requests = parseRequestArgs(hex);
      await withClient(spec, flags, io, setExit, async (client, opened) => {
        const exchanges = await sendAll(client, opened, requests, windowMs);
        print(io, exchanges, flags.json === true);
        if (exchanges.some((e) => e.replies.length === 0)) setExit(EXIT_FAILED);
      });
    });
}

async function sendAll(
  client: IqosClient,
  opened: OpenedTransport,
  requests: readonly Uint8Array[],
  windowMs: number,
): Promise<Exchange[]> {
  const received: Uint8Array[] = [];
  const stop = client.onFrame((frame) => received.push(frame));
  const exchanges: Exchange[] = [];
  try {
    for (const request of requests) {
      received.length = 0;
      // Sent without pairing: every reply in the window is shown.
      client.sendFrame(request).catch(() => undefined);
      await sleep(opened.scheduler, windowMs);
      if (opened.lost) throw opened.lost;
      exchanges.push({
        request: toHex(request),
        replies: received.map((r) => toHex(r)),
        decoded: received.map(decodeReply),
      });
    }
  } finally {
    stop();
  }
  return exchanges;
}

function sleep(scheduler: Scheduler, ms: number): Promise<void> {
  return new Promise((resolve) => scheduler.schedule(scheduler.now() + ms, () => resolve()));
}

function print(io: CliIo, exchanges: Exchange[], json: boolean): void {
  if (json) {
    io.out(`${JSON.stringify({ ok: true, exchanges })}\n`);
    return;
  }
  for (const e of exchanges) {
    io.out(`> ${e.request}\n`);
    if (e.replies.length === 0) io.out('  (no reply)\n');
    e.replies.forEach((r, i) => {
      const d = e.decoded[i];
      io.out(`< ${r}  ${d && 'command' in d ? `${d.command} ${JSON.stringify(d.fields)}` : ''}\n`);
    });
  }
}
