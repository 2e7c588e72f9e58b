/**
 * A GATT server at the ATT PDU level (Bluetooth Core spec v5.4 Vol 3 Part F §3.4, Part G §4), so a
 * client's discovery, reads, writes and subscriptions meet the same bytes and the same ATT errors as on
 * a real device. Sans-IO: request PDUs go in with the virtual time, response PDUs come out; the
 * attribute values come from a `GattValueSource`, which owns the device behaviour.
 *
 * Choices where the spec leaves room, written down once:
 * - Permissions follow the characteristic properties: a Write Request needs `write`, a Write Command
 *   `writeWithoutResponse`, a read `read`. Declarations are read-only; CCCDs are readable and writable.
 * - Only the first MTU exchange sets the MTU (Part F §3.4.2.1 lets a client send it once); later ones
 *   are answered with the same Server Rx MTU and change nothing.
 * - PDUs the server role never answers (responses, notifications, indications, confirmations) are
 *   ignored; so is any command (Command Flag set, §3.3.1) that is unknown, malformed or not permitted.
 * - `disconnect()` forgets the MTU and every CCCD. Part G §3.3.3.3 keeps CCCDs across connections for
 *   bonded peers; the record of the IQOS device does not say it does, so the simulator resets them.
 */
import {
  ATT_COMMAND_FLAG,
  ATT_ERROR_INVALID_ATTRIBUTE_VALUE_LENGTH,
  ATT_ERROR_INVALID_HANDLE,
  ATT_ERROR_INVALID_OFFSET,
  ATT_ERROR_INVALID_PDU,
  ATT_ERROR_READ_NOT_PERMITTED,
  ATT_ERROR_REQUEST_NOT_SUPPORTED,
  ATT_ERROR_UNLIKELY_ERROR,
  ATT_ERROR_WRITE_NOT_PERMITTED,
  ATT_OP_EXCHANGE_MTU_REQ,
  ATT_OP_FIND_BY_TYPE_VALUE_REQ,
  ATT_OP_FIND_INFORMATION_REQ,
  ATT_OP_READ_BLOB_REQ,
  ATT_OP_READ_BY_GROUP_TYPE_REQ,
  ATT_OP_READ_BY_TYPE_REQ,
  ATT_OP_READ_REQ,
  ATT_OP_WRITE_REQ,
  type AttPdu,
  DEFAULT_ATT_MTU,
  decodeAttPdu,
  encodeErrorResponse,
  encodeExchangeMtuResponse,
  encodeHandleValueNotification,
  encodeReadBlobResponse,
  encodeReadResponse,
  encodeWriteResponse,
  MAX_ATT_MTU,
  type ServiceDef,
} from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';
import { type Attribute, type AttributeRead, buildAttributeDatabase, CCCD_NOTIFICATIONS } from './gatt-db.js';
import {
  type AttributeView,
  findByTypeValue,
  findInformation,
  readByGroupType,
  readByType,
} from './gatt-queries.js';

/** Where attribute values live: the device model. The server asks it only after its own checks pass. */
export interface GattValueSource {
  /** The value of a readable characteristic, or an ATT error code to answer with. */
  read(valueHandle: number, nowMs: number): Uint8Array | { readonly error: number };
  /** Applies a permitted write; returns 0, or an ATT error code (ignored for a Write Command). */
  write(valueHandle: number, value: Uint8Array, withResponse: boolean, nowMs: number): number;
  /** Notifications were switched on or off by a CCCD write; called after the state changed. */
  subscribed?(valueHandle: number, enabled: boolean, nowMs: number): void;
}

export interface GattServerOptions {
  /** Server Rx MTU (bytes) offered in the MTU exchange, 23..517. Default `DEFAULT_GATT_MAX_MTU`. */
  readonly maxMtu?: number;
}

/** Server Rx MTU of common LE stacks (a 251-byte LL payload less the 4-byte L2CAP header). */
export const DEFAULT_GATT_MAX_MTU = 247;
/** Longest attribute value (Part F §3.2.9); longer source values are cut to it. */
export const MAX_ATTRIBUTE_VALUE_BYTES = 512;

/** Requests: the PDUs answered with Invalid PDU when malformed (Part F §3.4.1.1). */
const REQUEST_OPCODES: ReadonlySet<number> = new Set([
  ATT_OP_EXCHANGE_MTU_REQ,
  ATT_OP_FIND_INFORMATION_REQ,
  ATT_OP_FIND_BY_TYPE_VALUE_REQ,
  ATT_OP_READ_BY_TYPE_REQ,
  ATT_OP_READ_REQ,
  ATT_OP_READ_BLOB_REQ,
  ATT_OP_READ_BY_GROUP_TYPE_REQ,
  ATT_OP_WRITE_REQ,
]);

interface AttributeTables {
  readonly attributes: readonly Attribute[];
  readonly byHandle: ReadonlyMap<number, Attribute>;
}

/**
 * The attribute tables of each service list, built once: they are read-only, so every server of the
 * same services (a fleet of virtual devices of one GATT table) shares one copy. Weak, so a table made
 * for one test goes with it.
 */
const TABLES = new WeakMap<readonly ServiceDef[], AttributeTables>();

function attributeTables(services: readonly ServiceDef[]): AttributeTables {
  let tables = TABLES.get(services);
  if (tables === undefined) {
    const attributes = buildAttributeDatabase(services);
    tables = { attributes, byHandle: new Map(attributes.map((attribute) => [attribute.handle, attribute])) };
    TABLES.set(services, tables);
  }
  return tables;
}

export class GattServer {
  private readonly attributes: readonly Attribute[];
  private readonly byHandle: ReadonlyMap<number, Attribute>;
  private readonly maxMtu: number;
  private mtuBytes = DEFAULT_ATT_MTU;
  private mtuExchanged = false;
  /** CCCD value per characteristic value handle; absent means 0x0000 (Part G §3.3.3.3 default). */
  private readonly cccds = new Map<number, number>();

  constructor(
    services: readonly ServiceDef[],
    private readonly source: GattValueSource,
    options: GattServerOptions = {},
  ) {
    const maxMtu = options.maxMtu ?? DEFAULT_GATT_MAX_MTU;
    if (!Number.isInteger(maxMtu) || maxMtu < DEFAULT_ATT_MTU || maxMtu > MAX_ATT_MTU)
      throw new SimulatorError(
        'SIM_BAD_INPUT',
        `maxMtu must be ${DEFAULT_ATT_MTU}..${MAX_ATT_MTU}, got ${maxMtu}`,
      );
    this.maxMtu = maxMtu;
    ({ attributes: this.attributes, byHandle: this.byHandle } = attributeTables(services));
  }

  /** The ATT_MTU in force (bytes): 23 until the first MTU exchange. */
  get mtu(): number {
    return this.mtuBytes;
  }

  /** Whether the client enabled notifications on the CCCD of the characteristic at `valueHandle`. */
  isSubscribed(valueHandle: number): boolean {
    return ((this.cccds.get(valueHandle) ?? 0) & CCCD_NOTIFICATIONS) !== 0;
  }

  /**
   * A Handle Value Notification (Part F §3.4.7.1) carrying `value` cut to ATT_MTU − 3, or undefined
   * while the client has not enabled notifications (Part G §3.3.3.3, §4.10: only a client that
   * configured them gets them).
   */
  notify(valueHandle: number, value: Uint8Array): Uint8Array | undefined {
    if (!this.isSubscribed(valueHandle)) return undefined;
    return encodeHandleValueNotification(valueHandle, value.subarray(0, this.mtuBytes - 3));
  }

  /** The link dropped: the MTU is back to 23 and every CCCD to 0x0000 (see the module comment). */
  disconnect(): void {
    this.mtuBytes = DEFAULT_ATT_MTU;
    this.mtuExchanged = false;
    this.cccds.clear();
  }

  /** Handles one PDU from the client; returns the PDUs to send back (none for commands). */
  handlePdu(pdu: Uint8Array, nowMs: number): Uint8Array[] {
    const opcode = pdu[0];
    if (opcode === undefined) return [];
    const decoded = decodeAttPdu(pdu);
    if (decoded.ok) {
      const response = this.respond(decoded.value, nowMs);
      return response ? [response] : [];
    }
    if ((opcode & ATT_COMMAND_FLAG) !== 0) return [];
    if (decoded.error.code === 'PROTOCOL_UNKNOWN_COMMAND')
      return [encodeErrorResponse(opcode, 0, ATT_ERROR_REQUEST_NOT_SUPPORTED)];
    return REQUEST_OPCODES.has(opcode) ? [encodeErrorResponse(opcode, 0, ATT_ERROR_INVALID_PDU)] : [];
  }

  private respond(pdu: AttPdu, nowMs: number): Uint8Array | undefined {
    switch (pdu.kind) {
      case 'exchangeMtuRequest':
        // Part F §3.4.2.2: ATT_MTU = min(Client Rx MTU, Server Rx MTU), never below the default 23.
        if (!this.mtuExchanged)
          this.mtuBytes = Math.max(DEFAULT_ATT_MTU, Math.min(pdu.clientRxMtu, this.maxMtu));
        this.mtuExchanged = true;
        return encodeExchangeMtuResponse(this.maxMtu);
      case 'findInformationRequest':
        return findInformation(this.view(), pdu);
      case 'findByTypeValueRequest':
        return findByTypeValue(this.view(), pdu, pdu.attributeType, pdu.value, nowMs);
      case 'readByTypeRequest':
        return readByType(this.view(), pdu, pdu.attributeType, nowMs);
      case 'readRequest':
        return this.read(ATT_OP_READ_REQ, pdu.handle, undefined, nowMs);
      case 'readBlobRequest':
        return this.read(ATT_OP_READ_BLOB_REQ, pdu.handle, pdu.offsetBytes, nowMs);
      case 'readByGroupTypeRequest':
        return readByGroupType(this.view(), pdu, pdu.groupType);
      case 'writeRequest': {
        const error = this.write(pdu.handle, pdu.value, true, nowMs);
        return error === 0 ? encodeWriteResponse() : encodeErrorResponse(ATT_OP_WRITE_REQ, pdu.handle, error);
      }
      case 'writeCommand':
        this.write(pdu.handle, pdu.value, false, nowMs); // Part F §3.4.5.3: no response, not even an error
        return undefined;
      default:
        return undefined;
    }
  }

  /** What the range requests of gatt-queries.ts see of the server, as of now. */
  private view(): AttributeView {
    return {
      attributes: this.attributes,
      mtuBytes: this.mtuBytes,
      readAttribute: (attribute, nowMs) => this.readAttribute(attribute, nowMs),
    };
  }

  /** An attribute's value as this client may read it, or the ATT error (Part F §3.2.5 permissions). */
  private readAttribute(attribute: Attribute, nowMs: number): AttributeRead {
    if (attribute.kind === 'service' || attribute.kind === 'declaration') return { value: attribute.value };
    const { valueHandle, properties } = attribute.characteristic;
    if (attribute.kind === 'cccd') {
      const cccd = this.cccds.get(valueHandle) ?? 0;
      return { value: Uint8Array.of(cccd & 0xff, cccd >> 8) };
    }
    if (!properties.includes('read')) return { error: ATT_ERROR_READ_NOT_PERMITTED };
    const result = this.source.read(valueHandle, nowMs);
    if (result instanceof Uint8Array) return { value: result.subarray(0, MAX_ATTRIBUTE_VALUE_BYTES) };
    return { error: result.error || ATT_ERROR_UNLIKELY_ERROR };
  }

  /** Read (§3.4.4.3: the first ATT_MTU − 1 bytes) and Read Blob (§3.4.4.5: from an offset ≤ length). */
  private read(opcode: number, handle: number, offsetBytes: number | undefined, nowMs: number): Uint8Array {
    const attribute = this.byHandle.get(handle);
    if (!attribute) return encodeErrorResponse(opcode, handle, ATT_ERROR_INVALID_HANDLE);
    const outcome = this.readAttribute(attribute, nowMs);
    if ('error' in outcome) return encodeErrorResponse(opcode, handle, outcome.error);
    const roomBytes = this.mtuBytes - 1;
    if (offsetBytes === undefined) return encodeReadResponse(outcome.value.subarray(0, roomBytes));
    if (offsetBytes > outcome.value.length)
      return encodeErrorResponse(opcode, handle, ATT_ERROR_INVALID_OFFSET);
    return encodeReadBlobResponse(outcome.value.subarray(offsetBytes, offsetBytes + roomBytes));
  }

  /**
   * Write Request and Write Command (§3.4.5.1, §3.4.5.3): 0 or the ATT error, checked handle, then
   * permission, then length. A CCCD value is exactly 2 bytes (Part G §3.3.3.3).
   */
  private write(handle: number, value: Uint8Array, withResponse: boolean, nowMs: number): number {
    const attribute = this.byHandle.get(handle);
    if (!attribute) return ATT_ERROR_INVALID_HANDLE;
    if (attribute.kind === 'service' || attribute.kind === 'declaration')
      return ATT_ERROR_WRITE_NOT_PERMITTED;
    const { valueHandle, properties } = attribute.characteristic;
    if (attribute.kind === 'value' && !properties.includes(withResponse ? 'write' : 'writeWithoutResponse'))
      return ATT_ERROR_WRITE_NOT_PERMITTED;
    if (value.length > this.mtuBytes - 3) return ATT_ERROR_INVALID_ATTRIBUTE_VALUE_LENGTH;
    if (attribute.kind === 'value') return this.source.write(valueHandle, value, withResponse, nowMs);
    if (value.length !== 2) return ATT_ERROR_INVALID_ATTRIBUTE_VALUE_LENGTH;
    const wasSubscribed = this.isSubscribed(valueHandle);
    this.cccds.set(valueHandle, (value[0] ?? 0) | ((value[1] ?? 0) << 8));
    const subscribed = this.isSubscribed(valueHandle);
    if (subscribed !== wasSubscribed) this.source.subscribed?.(valueHandle, subscribed, nowMs);
    return 0;
  }
}
