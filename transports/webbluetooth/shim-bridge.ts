/**
 * Shim part: calls into the backend (a `WebBluetoothBackend` object in Node, the Playwright binding
 * in a page) and the ordering of their replies against pushed events.
 *
 * Replies and events travel on different channels (a binding reply and a `Runtime.evaluate` in the
 * browser; a promise and a listener in Node), so either may overtake the other. The backend numbers
 * the events of each session (`seq`, from 1) and stamps each reply with the number of events it had
 * pushed when it answered; a reply is handed on only once those events have been dispatched. A
 * device-side disconnect therefore reaches the page before the failures of the calls it broke, as
 * the spec orders them (§"Responding to Disconnection" fires `gattserverdisconnected`; the calls
 * then find their promise gone from `[[activeAlgorithms]]`).
 *
 * Self-contained (no run-time imports, no module-level references): `install.ts` serialises it.
 */
import type { ShimBase, ShimBridge } from './shim-types.js';
import type { BackendMethod, BridgeReply, ChannelReply, InstallOptions } from './types.js';

export function createShimBridge(
  globals: Record<string, unknown>,
  options: InstallOptions,
  base: ShimBase,
): ShimBridge {
  const { domError, asWebError } = base;
  const backend = options.backend;
  const bindingName = options.bindingName ?? '__iqsimBluetooth';
  // The page channel, captured before page scripts run (docs/webbluetooth.md "Latency"): one CDP
  // binding out, replies back with the events through dispatch, so a request costs two crossings.
  const channelFn = globals[options.channelName ?? '__iqsimBluetoothChannel'];
  const channel =
    backend || typeof channelFn !== 'function' ? undefined : (channelFn as (json: string) => void);
  const token = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}`;
  let calls = 0;
  const pending = new Map<number, (reply: BridgeReply) => void>();

  /** Per backend session (0 for a Node backend): the highest event number dispatched. */
  const dispatched = new Map<number, number>();
  const waiters: { session: number; seq: number; resume: () => void }[] = [];
  if (backend) dispatched.set(0, backend.eventSequence?.() ?? 0);

  const seen = (session: number, seq: number): void => {
    if (seq > (dispatched.get(session) ?? 0)) dispatched.set(session, seq);
    for (let i = 0; i < waiters.length; ) {
      const waiter = waiters[i] as (typeof waiters)[number];
      if (waiter.session === session && waiter.seq <= seq) {
        waiters.splice(i, 1);
        waiter.resume();
      } else i++;
    }
  };

  /**
   * Resolves once events up to `seq` of `session` are dispatched; undefined when they already are.
   * The first reply of a session sets its baseline: earlier events went to a previous document.
   */
  const after = (session: number, seq: number): Promise<void> | undefined => {
    const have = dispatched.get(session);
    if (have === undefined) {
      dispatched.set(session, seq);
      return undefined;
    }
    if (seq <= have) return undefined;
    return new Promise((resume) => waiters.push({ session, seq, resume }));
  };

  const invoke = async <T>(method: BackendMethod, ...args: unknown[]): Promise<T> => {
    if (backend) {
      const fn = backend[method] as (...a: unknown[]) => Promise<T>;
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await fn.apply(backend, args) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      const wait = after(0, backend.eventSequence?.() ?? 0);
      if (wait) await wait;
      if (outcome.ok) return outcome.value;
      throw asWebError(outcome.error);
    }
    let reply: BridgeReply;
    if (channel) {
      const call = ++calls;
      reply = await new Promise<BridgeReply>((resolve) => {
        pending.set(call, resolve);
        channel(JSON.stringify({ token, call, method, args }));
      });
    } else {
      const binding = globals[bindingName];
      if (typeof binding !== 'function') throw domError('NotFoundError', 'Bluetooth adapter not available.');
      try {
        reply = (await binding({ method, args })) as BridgeReply;
      } catch (error) {
        throw asWebError(error);
      }
    }
    const wait = after(reply.session ?? 0, reply.seq ?? 0);
    if (wait) await wait;
    if (!reply.ok) throw domError(reply.name, reply.message);
    return reply.value as T;
  };

  const replied = (reply: ChannelReply): void => {
    const resolve = pending.get(reply.call);
    pending.delete(reply.call);
    resolve?.(reply);
  };

  return { invoke, seen, replied, token };
}
