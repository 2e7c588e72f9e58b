/**
 * `iqsim replay <capture> --as-device --serial <path>` and `iqsim replay <capture> --against <transport>`
 * (docs/captures.md "Replay"). As a device: the recorded device answers any serial client from the
 * capture, requests matched by their bytes; the requests it never saw are listed when it stops. Against
 * a transport: the app's side of the recording (its SCP requests, in order) is sent to a `sim:`,
 * `replay:`, `serial:` or `ble:` target and the replies are diffed with the recorded ones as decoded
 * transcripts. Exit codes: 0 served / no difference, 1 differences or a lost link, 2 bad input.
 */
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { getProfile } from '../firmware-model/index.js';
import {
  type CaptureEvent,
  createReplayDevice,
  diffTranscripts,
  type RecordedDevice,
  recordedDeviceOf,
  type Transport,
  transcriptOf,
  usOf,
  type WirePacket,
} from '../simulator/index.js';
import type { OpenedTransport } from '../transports/index.js';
import { diffOptions, printDiff, readSide, type Side } from './diff.js';
import { type CliContext, CliUsageError, EXIT_FAILED } from './io.js';
import { numericOption, OPTIONS } from './options.js';
import { type LinkFlags, linkOptions, withClient } from './probe.js';
import { type RunStdio, runSession } from './run.js';
import { openSerialForRun } from './serial-run.js';

interface Flags extends LinkFlags {
  asDevice?: boolean;
  against?: string;
  model?: string;
  serial?: string;
  speed: string;
  durationMs?: string;
  json?: boolean;
  ignore: string[];
  defaultIgnores: boolean;
  timingBands: string;
  timing: boolean;
  only?: string;
  limit: string;
}

export function registerReplay(
  program: Command,
  { io, setExit }: CliContext,
  stdio: RunStdio = { stdin: process.stdin, signals: process },
): void {
  linkOptions(
    program
      .command('replay')
      .description(
        'serve a recorded device from a capture (--as-device), or re-send a recorded app session and diff the replies (--against)',
      )
      .argument('<capture>', 'a capture: JSON lines, btsnoop or pcapng')
      .option('--as-device', 'serve the recorded device (with --serial <path>)')
      .option(
        '--against <transport>',
        'send the recorded requests to sim:<model>, replay:<capture>, serial:<path> or ble:<address>',
      )
      .option('--model <name>', 'the model the capture recorded, when it does not say (no device name read)')
      .option('--serial <path>', '--as-device: serve 64-byte 3F reports on a pty at <path> (made with socat)')
      .option('--speed <x>', '--as-device: virtual ms per real ms', '1')
      .option(
        '--duration-ms <n>',
        '--as-device: stop after n ms of real time (default: until SIGINT or SIGTERM)',
      )
      .option('--json', 'JSON lines (--as-device) or one JSON object (--against)')
      .option(
        '--ignore <rule>',
        '--against: ignore a command or field, as iqsim diff',
        (r: string, rules: string[]) => [...rules, r],
        [],
      )
      .option('--no-default-ignores', '--against: compare clocks, serials and counters too')
      .option('--timing-bands <ms,…>', '--against: reply-latency band edges, ms', '20,100,500')
      .option('--no-timing', '--against: do not compare reply latencies')
      .option('--only <kinds>', '--against: compare only these entry kinds (default scp,bad-frame)')
      .option('--limit <n>', '--against: list at most n differences', '1000'),
  )
    .addHelpText(
      'after',
      `
Examples:
  iqsim replay field-bug.btsnoop --as-device --serial /tmp/ttyIQOS
  iqsim replay session.jsonl --against sim:iluma-i --no-timing
  iqsim replay bench-unit.pcapng --against serial:/dev/ttyACM0 --json`,
    )
    .action(async (capture: string, flags: Flags) => {
      if ((flags.asDevice === true) === (flags.against !== undefined))
        throw new CliUsageError(
          'CLI_REPLAY_MODE',
          'give exactly one of --as-device and --against <transport>',
        );
      const model = flags.model === undefined ? undefined : getProfile(flags.model).id;
      const side = await readSide(capture);
      const recorded = recordedDeviceOf(side.events, model);
      if (flags.asDevice) await serve(recorded, flags, { io, setExit }, stdio);
      else await against(side, flags.against as string, flags, { io, setExit });
    });
}

async function serve(
  recorded: RecordedDevice,
  flags: Flags,
  ctx: CliContext,
  stdio: RunStdio,
): Promise<void> {
  if (flags.serial === undefined)
    throw new CliUsageError(
      'CLI_MISSING_OPTION',
      '--as-device needs --serial <path>; in process, open the transport replay:<capture> instead',
    );
  const speed = numericOption(OPTIONS.speed, flags.speed);
  const durationMs =
    flags.durationMs === undefined ? undefined : numericOption(OPTIONS.durationMs, flags.durationMs);
  const json = flags.json === true;
  const pty = await openSerialForRun(flags.serial, ctx.io, ctx.setExit, json);
  const device = createReplayDevice(recorded);
  await runSession(device, {
    ...ctx,
    stdio,
    mode: json ? 'json' : 'lines',
    speed,
    durationMs,
    statePath: undefined,
    pty,
  });
  const unanswered = recorded.script.unanswered;
  if (json) ctx.io.out(`${JSON.stringify({ type: 'replay', model: recorded.model, unanswered })}\n`);
  else {
    ctx.io.err(`replay: ${recorded.script.size} recorded requests, ${unanswered.length} unanswered\n`);
    for (const u of unanswered) ctx.io.err(`  unanswered ×${u.count}: ${u.hex}\n`);
  }
}

/** Sends the recorded requests one by one (each waits for its reply or the timeout), capturing the session. */
async function against(recorded: Side, spec: string, flags: Flags, ctx: CliContext): Promise<void> {
  const options = diffOptions({ ...flags, only: flags.only ?? 'scp,bad-frame' });
  const requests = recorded.entries.filter((e) => e.kind === 'scp' && e.dir === 'toDevice' && e.frame);
  const events: CaptureEvent[] = [];
  const frames = requests.map((e) => e.frame as Uint8Array);
  await withClient(
    spec,
    flags,
    ctx.io,
    ctx.setExit,
    async (client) => {
      for (const frame of frames) await client.request(frame).catch(() => undefined);
      const replayed: Side = { label: spec, format: 'live', events, entries: transcriptOf(events) };
      const result = diffTranscripts(recorded.entries, replayed.entries, options);
      printDiff(ctx.io, flags.json === true, recorded, replayed, result, options.kinds);
      if (result.count > 0) ctx.setExit(EXIT_FAILED);
    },
    (opened) => recording(opened, events),
  );
}

/**
 * The opened link with every packet also kept as a capture event, seen from the client (ATT on
 * handle 0x0040), timed by the virtual clock of an in-process device, else the wall clock.
 */
function recording(opened: OpenedTransport, events: CaptureEvent[]): Transport {
  const { transport } = opened;
  const nowUs = opened.device
    ? () => usOf(opened.scheduler.now())
    : () => usOf(performance.timeOrigin + performance.now());
  const keep = (dir: 'toDevice' | 'toHost', packet: WirePacket): void => {
    const tUs = nowUs();
    events.push(
      packet.channel === 'att'
        ? { kind: 'att', tUs, dir, handle: 0x40, bytes: packet.bytes }
        : { kind: 'usb', tUs, dir, bytes: packet.bytes },
    );
  };
  transport.onData((packet) => keep('toHost', packet));
  return {
    write(packet) {
      keep('toDevice', packet);
      transport.write(packet);
    },
    onData: (listener) => transport.onData(listener),
    onClose: (listener) => transport.onClose(listener),
    close: () => transport.close(),
    get open() {
      return transport.open;
    },
  };
}
