/**
 * A pseudo-terminal pair made by socat (Debian package `socat`, installed by `npm run setup:system`):
 * `<path>` for any serial tool and `<path>.iqsim` for the device bridge, both raw with echo off so
 * binary reports pass untouched. socat is spawned as a child and killed with SIGTERM on close, which
 * also removes both links. A SIGKILLed socat leaves dangling links behind; the next socat replaces
 * them, which is why readiness is socat saying so on stderr, not the links existing.
 *
 * On Linux socat is started through util-linux `setpriv --pdeathsig TERM`, so it also goes when
 * our process dies without cleaning up (SIGKILL, a crash) instead of holding the pty forever.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ListenerSet } from '../../simulator/index.js';
import { messageOf, TransportError } from '../errors.js';

export interface PtyPair {
  /** The end serial tools open (absolute). */
  readonly path: string;
  /** The end the device bridge opens: `<path>.iqsim`. */
  readonly devicePath: string;
  /** Called once if socat exits before `close` (the pty is gone). */
  onExit(listener: (reason: string) => void): () => void;
  /** Stops socat (SIGTERM) and resolves once it has exited. Idempotent. */
  close(): Promise<void>;
}

export interface PtyOptions {
  /** socat executable, default `socat` on the PATH. */
  socat?: string;
  /** How long to wait for socat to be ready, ms (default 5000). */
  readyTimeoutMs?: number;
}

/** Suffix of the device end of the pair. */
export const DEVICE_END_SUFFIX = '.iqsim';
const READY_LINE = 'starting data transfer loop';

export async function startPtyPair(path: string, options: PtyOptions = {}): Promise<PtyPair> {
  // socat's address syntax gives these characters meaning; a path holding one would be misparsed.
  if (path === '' || /[,:!'"\s]/.test(path))
    throw new TransportError('TRANSPORT_BAD_SPEC', `unusable pty path '${path}' (no , : ! quotes or spaces)`);
  const clientPath = resolve(path);
  const devicePath = `${clientPath}${DEVICE_END_SUFFIX}`;
  // socat's link= replaces whatever is at the path (and removes it on exit): refuse anything but a
  // dangling link, so a typo cannot delete a file or a device node, nor steal another run's pty.
  for (const target of [clientPath, devicePath]) refuseExisting(target);
  const socat = findExecutable(options.socat ?? 'socat');
  if (socat === undefined)
    throw new TransportError(
      'TRANSPORT_SOCAT_MISSING',
      `${options.socat ?? 'socat'} is not installed; install the Debian package socat (npm run setup:system does)`,
    );
  const end = (link: string) => `pty,raw,echo=0,link=${link}`;
  const args = ['-d', '-d', end(clientPath), end(devicePath)];
  const setpriv = process.platform === 'linux' ? findExecutable('setpriv') : undefined;
  const child = setpriv
    ? spawn(setpriv, ['--pdeathsig', 'TERM', '--', socat, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(socat, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exitListeners = new ListenerSet<string>();
  let closing = false;
  let stderr = '';
  const exited = new Promise<string>((done) => {
    child.once('exit', (code, signal) => done(signal ? `socat killed by ${signal}` : `socat exited ${code}`));
    child.once('error', (error) => done(messageOf(error)));
  });
  void exited.then((reason) => {
    if (closing) return;
    exitListeners.emit(reason);
  });

  await waitReady(child, clientPath, devicePath, options.readyTimeoutMs ?? 5000, (text) => {
    stderr += text;
  }).catch(async (error: unknown) => {
    closing = true;
    child.kill('SIGTERM');
    await exited;
    if (error instanceof TransportError) throw error;
    throw new TransportError('TRANSPORT_OPEN_FAILED', `socat: ${messageOf(error)}\n${stderr.trim()}`);
  });
  // Keep draining stderr so socat never blocks on a full pipe; it has nothing more to tell us.
  child.stderr?.resume();

  return {
    path: clientPath,
    devicePath,
    onExit: (listener) => exitListeners.add(listener),
    async close() {
      closing = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function waitReady(
  child: ChildProcess,
  clientPath: string,
  devicePath: string,
  timeoutMs: number,
  onText: (text: string) => void,
): Promise<void> {
  return new Promise((done, fail) => {
    let text = '';
    const timer = setTimeout(() => fail(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
    const settle = (error?: Error): void => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
      if (error) fail(error);
      else done();
    };
    const onData = (chunk: Buffer): void => {
      const part = chunk.toString('utf8');
      onText(part);
      text += part;
      if (text.includes(READY_LINE) && existsSync(clientPath) && existsSync(devicePath)) settle();
    };
    const onError = (error: Error): void => settle(error);
    const onExit = (code: number | null): void =>
      settle(new Error(`socat exited ${code} before it was ready`));
    child.stderr?.on('data', onData);
    child.on('error', onError);
    child.on('exit', onExit);
  });
}

/** The absolute path of `command` (a path, or a name looked up on PATH), if it is an executable file. */
function findExecutable(command: string): string | undefined {
  const candidates =
    isAbsolute(command) || command.includes('/')
      ? [resolve(command)]
      : pathDirs().map((d) => join(d, command));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

function pathDirs(): string[] {
  return (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
}

function refuseExisting(path: string): void {
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    return;
  }
  if (isLink && !existsSync(path)) return;
  throw new TransportError(
    'TRANSPORT_BAD_SPEC',
    `${path} already exists${isLink ? ' (a live pty link: another iqsim run?)' : ''}; choose a free path`,
  );
}
