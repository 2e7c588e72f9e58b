/**
 * Shim part: errors, bytes, the Bluetooth task source and event helpers. Self-contained (no
 * run-time imports, no module-level references): `install.ts` serialises it into the page.
 */
import type { DeviceSlot, ShimBase } from './shim-types.js';

export function createShimBase(): ShimBase {
  // ---- Errors: DOMException names as the spec and Chromium use them. ----
  const DOM_ERROR_NAMES = new Set([
    'NotFoundError',
    'SecurityError',
    'NetworkError',
    'NotSupportedError',
    'InvalidStateError',
    'InvalidModificationError',
    'AbortError',
    'NotAllowedError',
    'OperationError',
    'TimeoutError',
  ]);
  const domError = (name: string, message: string): Error =>
    name === 'TypeError' ? new TypeError(message) : new DOMException(message, name);
  const asWebError = (error: unknown): Error => {
    if (error instanceof DOMException || error instanceof TypeError) return error;
    const named = error as { name?: unknown; message?: unknown } | null;
    const name = typeof named?.name === 'string' ? named.name : '';
    const message = typeof named?.message === 'string' ? named.message : String(error);
    return DOM_ERROR_NAMES.has(name) || name === 'TypeError'
      ? domError(name, message)
      : domError('NetworkError', message);
  };
  const notConnected = (what: string): Error =>
    domError(
      'NetworkError',
      `GATT Server is disconnected. Cannot ${what}. (Re)connect first with \`device.gatt.connect\`.`,
    );

  const key = Symbol('iqsim.webbluetooth');
  const illegal = (given: unknown): void => {
    if (given !== key) throw new TypeError('Illegal constructor');
  };
  const slot = <T>(map: WeakMap<object, T>, target: object): T => {
    const found = map.get(target);
    if (!found) throw new TypeError('Illegal invocation');
    return found;
  };

  // ---- Bytes: BufferSource in (spec "a copy of the bytes held"), DataView out. ----
  const tag = (value: unknown): string => Object.prototype.toString.call(value);
  const bytesOf = (value: unknown, where: string): number[] => {
    if (ArrayBuffer.isView(value) && tag(value.buffer) !== '[object SharedArrayBuffer]')
      return Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    if (tag(value) === '[object ArrayBuffer]') return Array.from(new Uint8Array(value as ArrayBuffer));
    throw new TypeError(`${where}: The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.`);
  };
  const viewOf = (bytes: readonly number[]): DataView => {
    const buffer = new ArrayBuffer(bytes.length);
    new Uint8Array(buffer).set(bytes);
    return new DataView(buffer);
  };

  // ---- The Bluetooth task source: one macrotask per task, in queue order. ----
  // setImmediate in Node (microtasks drain between immediates); a MessageChannel in a page, which
  // is not clamped like setTimeout (4 ms after five nested calls). Captured now, before page scripts.
  const tasks: (() => void)[] = [];
  const runTask = (): void => {
    tasks.shift()?.();
  };
  const host = globalThis as unknown as {
    setImmediate?: (callback: () => void) => unknown;
    MessageChannel?: new () => {
      port1: { onmessage: (() => void) | null };
      port2: { postMessage(message: unknown): void };
    };
  };
  let post: () => void;
  const immediate = host.setImmediate;
  if (typeof immediate === 'function') post = () => void immediate(runTask);
  else if (typeof host.MessageChannel === 'function') {
    const channel = new host.MessageChannel();
    channel.port1.onmessage = runTask;
    post = () => channel.port2.postMessage(null);
  } else post = () => void setTimeout(runTask, 0);
  /** Inside `asTask` until the first task is queued: that task may run at once. */
  let atTaskStart = false;
  const queueTask = (task: () => void): void => {
    if (atTaskStart && tasks.length === 0) {
      atTaskStart = false;
      task();
      return;
    }
    tasks.push(task);
    post();
  };
  /**
   * Runs `fn` that a task of its own called (a page's dispatch, evaluated by CDP): the first task it
   * queues, when no other waits, runs inline, saving a macrotask hop (about 0.1 ms) on the
   * notification path; later ones are queued, so microtasks still run between tasks.
   */
  const asTask = (fn: () => void): void => {
    atTaskStart = true;
    try {
      fn();
    } finally {
      atTaskStart = false;
    }
  };

  // ---- GATT calls. ----
  /**
   * The spec's gatt-"connection-checking wrapper" around a backend call: settled in a task, and
   * NetworkError when the server disconnected while the call ran (its token left `[[activeAlgorithms]]`).
   */
  const gattOperation = <T, R>(
    device: DeviceSlot,
    what: string,
    request: () => Promise<T>,
    complete: (result: T) => R,
  ): Promise<R> => {
    const token = {};
    device.activeAlgorithms.add(token);
    return new Promise<R>((resolve, reject) => {
      const settle = (run: () => void) => () =>
        queueTask(() => {
          if (!device.activeAlgorithms.delete(token)) reject(notConnected(what));
          else run();
        });
      request().then(
        (result) =>
          settle(() => {
            try {
              resolve(complete(result));
            } catch (error) {
              reject(error);
            }
          })(),
        (error) => settle(() => reject(asWebError(error)))(),
      );
    });
  };

  // ---- Event handler attributes (`ongattserverdisconnected` …), in order of first assignment. ----
  const handlers = new WeakMap<EventTarget, Map<string, { fn: unknown }>>();
  const defineHandler = (proto: object, type: string): void => {
    Object.defineProperty(proto, `on${type}`, {
      configurable: true,
      enumerable: true,
      get(this: EventTarget) {
        return handlers.get(this)?.get(type)?.fn ?? null;
      },
      set(this: EventTarget, fn: unknown) {
        let byType = handlers.get(this);
        if (!byType) {
          byType = new Map();
          handlers.set(this, byType);
        }
        let entry = byType.get(type);
        if (!entry) {
          const created = { fn: null as unknown };
          entry = created;
          byType.set(type, created);
          this.addEventListener(type, (event) => {
            if (typeof created.fn === 'function') created.fn.call(this, event);
          });
        }
        entry.fn = typeof fn === 'function' ? fn : null;
      },
    });
  };
  const fire = (target: EventTarget, type: string): void => {
    target.dispatchEvent(new Event(type, { bubbles: true }));
  };

  return {
    domError,
    asWebError,
    notConnected,
    NOT_PERMITTED: 'GATT operation not permitted.',
    key,
    illegal,
    slot,
    bytesOf,
    viewOf,
    queueTask,
    asTask,
    gattOperation,
    fire,
    defineHandler,
  };
}
