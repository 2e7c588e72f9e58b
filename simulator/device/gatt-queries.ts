/**
 * The range requests of a GATT server (Bluetooth Core spec v5.4 Vol 3 Part F §3.4.3, §3.4.4): Find
 * Information, Find By Type Value, Read By Type and Read By Group Type, the PDUs of discovery (Part G
 * §4.4–§4.7) and of reading by UUID (§4.8.2). Each answers one request over a view of the attribute
 * database, filling the response up to the ATT_MTU with entries of one size, as one length or format
 * byte describes them. Used by GattServer.
 */
import {
  ATT_ERROR_ATTRIBUTE_NOT_FOUND,
  ATT_ERROR_INVALID_HANDLE,
  ATT_ERROR_UNSUPPORTED_GROUP_TYPE,
  ATT_OP_FIND_BY_TYPE_VALUE_REQ,
  ATT_OP_FIND_INFORMATION_REQ,
  ATT_OP_READ_BY_GROUP_TYPE_REQ,
  ATT_OP_READ_BY_TYPE_REQ,
  type AttGroupValue,
  type AttHandleRange,
  type AttHandlesInformation,
  type AttHandleValue,
  encodeErrorResponse,
  encodeFindByTypeValueResponse,
  encodeFindInformationResponse,
  encodeReadByGroupTypeResponse,
  encodeReadByTypeResponse,
  normalizeUuid,
  uuidToAttBytes,
} from '../../protocol/index.js';
import {
  type Attribute,
  type AttributeRead,
  PRIMARY_SERVICE_UUID,
  SECONDARY_SERVICE_UUID,
} from './gatt-db.js';

/** What a range request needs of the server: its attributes, the ATT_MTU and permission-checked reads. */
export interface AttributeView {
  readonly attributes: readonly Attribute[];
  readonly mtuBytes: number;
  readAttribute(attribute: Attribute, nowMs: number): AttributeRead;
}

/**
 * The attributes of a request's handle range, or the Invalid Handle error for a range that starts at
 * 0 or ends before it starts (§3.4.3.1, §3.4.3.3, §3.4.4.1, §3.4.4.9).
 */
function inRange(view: AttributeView, opcode: number, range: AttHandleRange): Attribute[] | Uint8Array {
  const { startHandle, endHandle } = range;
  if (startHandle === 0 || startHandle > endHandle)
    return encodeErrorResponse(opcode, startHandle, ATT_ERROR_INVALID_HANDLE);
  return view.attributes.filter((a) => a.handle >= startHandle && a.handle <= endHandle);
}

function notFound(opcode: number, range: AttHandleRange): Uint8Array {
  return encodeErrorResponse(opcode, range.startHandle, ATT_ERROR_ATTRIBUTE_NOT_FOUND);
}

/**
 * The leading items of the first item's size that fit in `roomBytes`: list responses describe their
 * entries with one length or format byte, so a change of size ends the list (§3.4.3.2, §3.4.4.10).
 */
function leading<T>(items: readonly T[], sizeBytes: (item: T) => number, roomBytes: number): T[] {
  const first = items[0];
  if (first === undefined) return [];
  const each = sizeBytes(first);
  const out: T[] = [];
  for (const item of items) {
    if (sizeBytes(item) !== each || (out.length + 1) * each > roomBytes) break;
    out.push(item);
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Find Information (§3.4.3.1): handles and types; one UUID size per response, as many as fit. */
export function findInformation(view: AttributeView, range: AttHandleRange): Uint8Array {
  const opcode = ATT_OP_FIND_INFORMATION_REQ;
  const found = inRange(view, opcode, range);
  if (found instanceof Uint8Array) return found;
  const entries = leading(found, (a) => 2 + uuidToAttBytes(a.type).length, view.mtuBytes - 2);
  if (entries.length === 0) return notFound(opcode, range);
  return encodeFindInformationResponse(entries.map((a) => ({ handle: a.handle, uuid: a.type })));
}

/**
 * Find By Type Value (§3.4.3.3): readable attributes of the type whose value equals the request's; a
 * service answers with its group end handle, any other attribute with its own handle.
 */
export function findByTypeValue(
  view: AttributeView,
  range: AttHandleRange,
  type: string,
  value: Uint8Array,
  nowMs: number,
): Uint8Array {
  const opcode = ATT_OP_FIND_BY_TYPE_VALUE_REQ;
  const found = inRange(view, opcode, range);
  if (found instanceof Uint8Array) return found;
  const wanted = normalizeUuid(type);
  const handles: AttHandlesInformation[] = [];
  for (const attribute of found) {
    if ((handles.length + 1) * 4 > view.mtuBytes - 1) break;
    if (attribute.type !== wanted) continue;
    const read = view.readAttribute(attribute, nowMs);
    if ('error' in read || !sameBytes(read.value, value)) continue;
    const groupEndHandle = attribute.kind === 'service' ? attribute.service.endHandle : attribute.handle;
    handles.push({ foundHandle: attribute.handle, groupEndHandle });
  }
  if (handles.length === 0) return notFound(opcode, range);
  return encodeFindByTypeValueResponse(handles);
}

/**
 * Read By Type (§3.4.4.1): values cut to min(ATT_MTU − 4, 253), all of the first one's length. An
 * error on the first match is the answer; an error on a later one ends the list before it. A match is
 * read only once it is known to fit, so the source sees no reads the client does not get.
 */
export function readByType(
  view: AttributeView,
  range: AttHandleRange,
  type: string,
  nowMs: number,
): Uint8Array {
  const opcode = ATT_OP_READ_BY_TYPE_REQ;
  const found = inRange(view, opcode, range);
  if (found instanceof Uint8Array) return found;
  const wanted = normalizeUuid(type);
  const matches = found.filter((a) => a.type === wanted);
  if (matches.length === 0) return notFound(opcode, range);
  const maxValueBytes = Math.min(view.mtuBytes - 4, 253);
  const entries: AttHandleValue[] = [];
  for (const attribute of matches) {
    const entryBytes = 2 + (entries[0]?.value.length ?? 0);
    if (entries.length > 0 && (entries.length + 1) * entryBytes > view.mtuBytes - 2) break;
    const read = view.readAttribute(attribute, nowMs);
    if ('error' in read) {
      if (entries.length === 0) return encodeErrorResponse(opcode, attribute.handle, read.error);
      break;
    }
    const value = read.value.subarray(0, maxValueBytes);
    if (entries.length > 0 && value.length !== entryBytes - 2) break;
    entries.push({ handle: attribute.handle, value });
  }
  return encodeReadByTypeResponse(entries);
}

/**
 * Read By Group Type (§3.4.4.9): service declarations with their group end handles; values cut to
 * min(ATT_MTU − 6, 251). GATT groups by service (Part G §2.5.3, §4.4.1), so any type but 0x2800 and
 * 0x2801 is an Unsupported Group Type.
 */
export function readByGroupType(view: AttributeView, range: AttHandleRange, groupType: string): Uint8Array {
  const opcode = ATT_OP_READ_BY_GROUP_TYPE_REQ;
  const found = inRange(view, opcode, range);
  if (found instanceof Uint8Array) return found;
  const wanted = normalizeUuid(groupType);
  if (wanted !== PRIMARY_SERVICE_UUID && wanted !== SECONDARY_SERVICE_UUID)
    return encodeErrorResponse(opcode, range.startHandle, ATT_ERROR_UNSUPPORTED_GROUP_TYPE);
  const maxValueBytes = Math.min(view.mtuBytes - 6, 251);
  const groups: AttGroupValue[] = [];
  for (const attribute of found) {
    if (attribute.kind !== 'service' || attribute.type !== wanted) continue;
    const value = attribute.value.subarray(0, maxValueBytes);
    groups.push({ handle: attribute.handle, endGroupHandle: attribute.service.endHandle, value });
  }
  const entries = leading(groups, (g) => 4 + g.value.length, view.mtuBytes - 2);
  if (entries.length === 0) return notFound(opcode, range);
  return encodeReadByGroupTypeResponse(entries);
}
