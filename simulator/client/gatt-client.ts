/**
 * The central side of ATT (Core spec Vol 3 Part F/G): one request outstanding at a time (§3.3.2),
 * MTU exchange, full discovery of services, characteristics and descriptors, reads (with Read Blob
 * for long values), writes, CCCD subscription and notifications by handle. Works over any
 * `Transport` carrying `att` packets; timeouts come from an injected scheduler.
 */
import {
  ATT_ERROR_ATTRIBUTE_NOT_FOUND,
  type AttPdu,
  decodeAttPdu,
  encodeExchangeMtuRequest,
  encodeFindInformationRequest,
  encodeReadBlobRequest,
  encodeReadByGroupTypeRequest,
  encodeReadByTypeRequest,
  encodeReadRequest,
  encodeWriteCommand,
  encodeWriteRequest,
  normalizeUuid,
  uuidFromAttBytes,
} from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';
import type { Transport } from '../link.js';
import { ListenerSet } from '../listeners.js';
import type { WirePacket } from '../wire.js';

export interface Scheduler {
  now(): number;
  schedule(atMs: number, callback: (nowMs: number) => void): { cancel(): void };
}

export interface DiscoveredCharacteristic {
  readonly uuid: string;
  readonly properties: number;
  readonly declarationHandle: number;
  readonly valueHandle: number;
  readonly cccdHandle?: number;
}

export interface DiscoveredService {
  readonly uuid: string;
  readonly startHandle: number;
  readonly endHandle: number;
  readonly characteristics: DiscoveredCharacteristic[];
}

export class AttError extends SimulatorError {
  constructor(
    readonly attCode: number,
    readonly handle: number,
    message: string,
  ) {
    super('SIM_BAD_INPUT', message);
  }
}

interface Pending {
  resolve(pdu: AttPdu): void;
  reject(error: Error): void;
  timer: { cancel(): void };
}

export class GattClient {
  mtu = 23;
  services: DiscoveredService[] = [];
  private pending: Pending | undefined;
  private readonly queue: (() => void)[] = [];
  private readonly notificationListeners = new ListenerSet<number, Uint8Array>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly transport: Transport,
    private readonly scheduler: Scheduler,
    private readonly timeoutMs = 30_000,
  ) {
    this.unsubscribe.push(transport.onData((packet) => this.onPacket(packet)));
    this.unsubscribe.push(
      transport.onClose((reason) => {
        const pending = this.pending;
        this.pending = undefined;
        pending?.timer.cancel();
        pending?.reject(new SimulatorError('SIM_DISCONNECTED', `link lost: ${reason}`));
        // Queued requests then settle too: each finds the link closed and rejects.
        this.next();
      }),
    );
  }

  onNotification(listener: (handle: number, value: Uint8Array) => void): () => void {
    return this.notificationListeners.add(listener);
  }

  async exchangeMtu(mtu = 247): Promise<number> {
    const reply = await this.request(encodeExchangeMtuRequest(mtu));
    if (reply.kind === 'exchangeMtuResponse') this.mtu = Math.max(23, Math.min(mtu, reply.serverRxMtu));
    return this.mtu;
  }

  /** Discovers every primary service, its characteristics and their CCCDs (Vol 3 Part G §4.4–4.7). */
  async discover(): Promise<DiscoveredService[]> {
    const services: DiscoveredService[] = [];
    for (let start = 1; start <= 0xffff; ) {
      const reply = await this.request(
        encodeReadByGroupTypeRequest({ startHandle: start, endHandle: 0xffff }, 0x2800),
        true,
      );
      if (reply.kind !== 'readByGroupTypeResponse' || reply.entries.length === 0) break;
      for (const e of reply.entries)
        services.push({
          uuid: uuidFromAttBytes(e.value) ?? '',
          startHandle: e.handle,
          endHandle: e.endGroupHandle,
          characteristics: [],
        });
      start = (reply.entries.at(-1)?.endGroupHandle ?? 0xffff) + 1;
    }
    for (const service of services) {
      for (let start = service.startHandle; start <= service.endHandle; ) {
        const reply = await this.request(
          encodeReadByTypeRequest({ startHandle: start, endHandle: service.endHandle }, 0x2803),
          true,
        );
        if (reply.kind !== 'readByTypeResponse' || reply.entries.length === 0) break;
        for (const e of reply.entries) {
          const v = e.value;
          service.characteristics.push({
            uuid: uuidFromAttBytes(v.subarray(3)) ?? '',
            properties: v[0] ?? 0,
            declarationHandle: e.handle,
            valueHandle: (v[1] ?? 0) | ((v[2] ?? 0) << 8),
          });
        }
        start = (reply.entries.at(-1)?.handle ?? 0xffff) + 1;
      }
      for (const [i, c] of service.characteristics.entries()) {
        const end = (service.characteristics[i + 1]?.declarationHandle ?? service.endHandle + 1) - 1;
        if (end <= c.valueHandle) continue;
        const reply = await this.request(
          encodeFindInformationRequest({ startHandle: c.valueHandle + 1, endHandle: end }),
          true,
        );
        if (reply.kind !== 'findInformationResponse') continue;
        const cccd = reply.entries.find((e) => e.uuid === normalizeUuid(0x2902));
        if (cccd) service.characteristics[i] = { ...c, cccdHandle: cccd.handle };
      }
    }
    this.services = services;
    return services;
  }

  characteristic(uuid: string | number): DiscoveredCharacteristic {
    const wanted = normalizeUuid(uuid);
    for (const s of this.services) for (const c of s.characteristics) if (c.uuid === wanted) return c;
    throw new SimulatorError('SIM_BAD_INPUT', `characteristic ${wanted} not discovered`);
  }

  /** Reads a value, following with Read Blob while the response fills the MTU (Vol 3 Part G §4.8.3). */
  async read(handle: number): Promise<Uint8Array> {
    const first = await this.request(encodeReadRequest(handle));
    if (first.kind !== 'readResponse') throw new SimulatorError('SIM_BAD_INPUT', `unexpected ${first.kind}`);
    let value = first.value;
    while (value.length > 0 && value.length % (this.mtu - 1) === 0) {
      const more = await this.request(encodeReadBlobRequest(handle, value.length), true);
      if (more.kind !== 'readBlobResponse' || more.value.length === 0) break;
      value = Uint8Array.from([...value, ...more.value]);
      if (more.value.length < this.mtu - 1) break;
    }
    return value;
  }

  async write(handle: number, value: Uint8Array, withResponse = true): Promise<void> {
    if (!withResponse) {
      this.transport.write({ channel: 'att', bytes: encodeWriteCommand(handle, value) });
      return;
    }
    await this.request(encodeWriteRequest(handle, value));
  }

  async subscribe(characteristic: DiscoveredCharacteristic, enable = true): Promise<void> {
    if (characteristic.cccdHandle === undefined)
      throw new SimulatorError('SIM_BAD_INPUT', `${characteristic.uuid} has no CCCD`);
    await this.write(characteristic.cccdHandle, Uint8Array.of(enable ? 1 : 0, 0));
  }

  close(): void {
    for (const u of this.unsubscribe) u();
  }

  /** Sends one request; the next waits until it is answered (ATT allows one outstanding request). */
  private request(pdu: Uint8Array, notFoundIsEmpty = false): Promise<AttPdu> {
    return new Promise<AttPdu>((resolve, reject) => {
      const send = () => {
        if (!this.transport.open) {
          reject(new SimulatorError('SIM_DISCONNECTED', 'the link is closed'));
          this.next();
          return;
        }
        const timer = this.scheduler.schedule(this.scheduler.now() + this.timeoutMs, () => {
          this.pending = undefined;
          reject(new SimulatorError('SIM_TIMEOUT', `no ATT response within ${this.timeoutMs} ms`));
          this.next();
        });
        this.pending = {
          timer,
          resolve: (reply) => {
            if (reply.kind === 'errorResponse') {
              if (notFoundIsEmpty && reply.errorCode === ATT_ERROR_ATTRIBUTE_NOT_FOUND) resolve(reply);
              else
                reject(
                  new AttError(
                    reply.errorCode,
                    reply.handle,
                    `ATT error 0x${reply.errorCode.toString(16).padStart(2, '0')} on handle 0x${reply.handle.toString(16)}`,
                  ),
                );
            } else resolve(reply);
          },
          reject,
        };
        this.transport.write({ channel: 'att', bytes: pdu });
      };
      if (this.pending) this.queue.push(send);
      else send();
    });
  }

  private next(): void {
    const send = this.queue.shift();
    if (send) send();
  }

  private onPacket(packet: WirePacket): void {
    if (packet.channel !== 'att') return;
    const decoded = decodeAttPdu(packet.bytes);
    if (!decoded.ok) return;
    const pdu = decoded.value;
    if (pdu.kind === 'handleValueNotification') {
      this.notificationListeners.emit(pdu.handle, pdu.value);
      return;
    }
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    pending.timer.cancel();
    pending.resolve(pdu);
    this.next();
  }
}
