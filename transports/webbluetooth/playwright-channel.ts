/**
 * The page channel of the browser bridge (docs/webbluetooth.md "Latency"): one CDP binding
 * (`Runtime.addBinding`) carries the shim's calls to Node, and one `Runtime.evaluate` per batch
 * carries replies and hub events back into the calling document, in the order Node sent them. A
 * request and its answer cost one crossing each way, without Playwright's binding protocol on top.
 *
 * The binding only gives the calling execution context, so each document names itself with a
 * token in its `reset` call (the Playwright binding, which knows the frame); calls that arrive
 * before it wait for it. Frames the page's CDP session cannot reach (out-of-process iframes) have no
 * channel function, and their shim keeps using the Playwright binding.
 */
import type { CDPSession, Frame } from 'playwright-core';
import type { BridgeCall, BridgeReply, ChannelCall, DispatchItem } from './types.js';

export interface PageChannel {
  /** The document with `token` lives in `frame` (its `reset` call said so). */
  register(token: string, frame: Frame): void;
  /** Queues a message for the frame's document; false when it has no channel yet. */
  send(frame: Frame, message: DispatchItem): boolean;
  /** The frame is gone: forget its documents. */
  drop(frame: Frame): void;
}

function isChannelCall(value: unknown): value is ChannelCall {
  const call = value as Partial<ChannelCall> | null;
  return (
    typeof call === 'object' &&
    call !== null &&
    typeof call.token === 'string' &&
    typeof call.call === 'number' &&
    typeof call.method === 'string' &&
    Array.isArray(call.args)
  );
}

/**
 * Opens the channel on a page's CDP session. `handle` answers one call for a frame, as the
 * Playwright binding does.
 */
export async function openPageChannel(
  cdp: CDPSession,
  names: { channelName: string; dispatchName: string },
  handle: (frame: Frame, call: BridgeCall) => Promise<BridgeReply>,
): Promise<PageChannel> {
  const frames = new Map<string, Frame>();
  const waiting = new Map<string, ((frame: Frame) => void)[]>();
  /** Each frame's current document, as the execution context its last channel call came from. */
  const contexts = new Map<Frame, number>();
  const outboxes = new Map<number, DispatchItem[]>();

  const frameOf = (token: string): Promise<Frame> => {
    const known = frames.get(token);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      waiting.set(token, [...(waiting.get(token) ?? []), resolve]);
    });
  };

  const flush = (contextId: number): void => {
    const batch = outboxes.get(contextId) ?? [];
    outboxes.delete(contextId);
    const expression = `globalThis[${JSON.stringify(names.dispatchName)}]?.(${JSON.stringify(batch)})`;
    cdp.send('Runtime.evaluate', { expression, contextId }).catch(() => undefined);
  };

  const send = (frame: Frame, message: DispatchItem): boolean => {
    const contextId = contexts.get(frame);
    if (contextId === undefined) return false;
    const outbox = outboxes.get(contextId);
    if (outbox) outbox.push(message);
    else {
      // Everything sent in this turn goes in one evaluate: one crossing for a reply and its events.
      outboxes.set(contextId, [message]);
      queueMicrotask(() => flush(contextId));
    }
    return true;
  };

  cdp.on('Runtime.bindingCalled', (event) => {
    if (event.name !== names.channelName) return;
    let call: unknown;
    try {
      call = JSON.parse(event.payload);
    } catch {
      return;
    }
    if (!isChannelCall(call)) return;
    const { token, call: number, method, args } = call;
    frameOf(token)
      .then(async (frame) => {
        contexts.set(frame, event.executionContextId);
        const reply = await handle(frame, { method, args });
        send(frame, { reply: { ...reply, call: number } });
      })
      .catch(() => undefined);
  });
  await cdp.send('Runtime.enable');
  await cdp.send('Runtime.addBinding', { name: names.channelName });

  return {
    register(token, frame) {
      // A new document: until it calls through the channel, events go the other way.
      contexts.delete(frame);
      frames.set(token, frame);
      for (const resolve of waiting.get(token) ?? []) resolve(frame);
      waiting.delete(token);
    },
    send,
    drop(frame) {
      contexts.delete(frame);
      for (const [token, known] of frames) if (known === frame) frames.delete(token);
    },
  };
}
