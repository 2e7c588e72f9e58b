/** iqsim/protocol: sans-IO codecs of the IQOS wire protocol (docs/protocol.md). */
export {
  type BleAssemblerOptions,
  BlePacketAssembler,
  BleStreamDecoder,
  DEFAULT_ATT_MTU,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_REASSEMBLY_TIMEOUT_MS,
  fragmentedLength,
  fragmentFrame,
  frameBytesPerPacket,
  MAX_ATT_MTU,
  TRANSPORT_LAST,
  TRANSPORT_MORE,
} from './ble.js';
export { COMMANDS, commandByName, findCommand, GENERIC_COMMANDS, isGeneric } from './catalogue.js';
export {
  AD_COMPLETE_NAME,
  AD_COMPLETE_UUID128,
  AD_FLAGS,
  AD_MANUFACTURER,
  AD_TX_POWER,
  type AdStructure,
  type AdvertisingData,
  buildAdvertising,
  buildScanResponse,
  decodeAdvertising,
  encodeAdStructures,
  IQOS_AD_FLAGS,
  IQOS_COMPANY_ID,
  IQOS_TX_POWER_DBM,
} from './characteristics/advertising.js';
export { type BatteryRecord, decodeBatteryRecord, encodeBatteryRecord } from './characteristics/battery.js';
export {
  DIS_MANUFACTURER,
  decodeDisString,
  encodeDisString,
  softwareRevision,
} from './characteristics/dis.js';
export {
  AMBIENT_STATES,
  CHARGER_STATES,
  CHARGER_SYSTEM_ERRORS,
  type ChargerHolderStatus,
  decodeStatusRecord,
  END_OF_HEAT_REASONS,
  encodeStatusRecord,
  HOLDER_CONNECTIONS,
  HOLDER_ERRORS,
  HOLDER_STATES,
  HOLDER_WARNINGS,
  type HolderStatus,
  type LastExperience,
  type StatusRecord,
} from './characteristics/status.js';
export {
  type DecodedFrame,
  type DecodeOptions,
  decodeFrame,
  type EncodeOptions,
  encodeCommand,
  type FrameDecodeResult,
  type FrameSummary,
} from './codec.js';
export { type CommandArgs, type CommandSpec, parseOnOff } from './command.js';
export { crc8, crc16, RECORD_CHECK_INIT } from './crc.js';
export { ProtocolError, type ProtocolErrorCode, type ProtocolErrorDetails, type Result } from './errors.js';
export {
  type CrcPosition,
  encodeLongFrame,
  encodeShortFrame,
  FrameHeader,
  FrameStatus,
  frameError,
  type LengthCode,
  type LongFrameFields,
  MAX_REGISTER,
  PAYLOAD_SIZES,
  parseFrameInto,
  registerAddress,
  type ShortFrameFields,
  TYPE_LONG,
  TYPE_RESERVED,
  TYPE_RESPONSE,
  TYPE_WRITE,
} from './frame.js';
export {
  BATTERY_CHAR_UUID,
  type CharacteristicDef,
  type CharProperty,
  DEVICE_INFO_SERVICE_UUID,
  GATT_SERVICES,
  IQOS_SERVICE_UUID,
  normalizeUuid,
  SCP_CHAR_UUID,
  type ServiceDef,
  STATUS_CHAR_UUID,
  sigUuid,
  uuidFromLittleEndian,
  uuidToLittleEndian,
} from './gatt.js';
export { hexBytes, hexNumber, parseHex, toHex } from './hex.js';
export {
  bleBytesToFrame,
  type CharacteristicKind,
  type InputTransport,
  type InspectedItem,
  type InspectOptions,
  inspectBytes,
} from './inspect.js';
export {
  type Capability,
  findModel,
  getModel,
  MODELS,
  type ModelInfo,
  modelFromAdvertisedName,
} from './models.js';
export {
  isKnownNode,
  parseUnit,
  REPLY_NODE,
  REQUEST_NODE,
  UNITS,
  type Unit,
  unitOfReplyNode,
  unitOfRequestNode,
} from './nodes.js';
export { type FieldKind, type FieldSpec, type Fields, layout, type PayloadCodec } from './payload.js';
export { DEVICE_EPOCH_UNIX_S, deviceSecondsToIso, parseDeviceTime } from './registers/identity.js';
export { BRIGHTNESS_HIGH, BRIGHTNESS_LOW, VIBRATION_FLAGS } from './registers/settings.js';
export {
  COUNTER_TAGS,
  type CounterBlock,
  TABLE_CLOCK,
  TABLE_USAGE_COUNTERS,
  type UsageCounters,
} from './registers/tables.js';
export type { StreamEvent } from './stream.js';
export {
  decodeUsbReport,
  encodeUsbReport,
  USB_MAX_FRAME,
  USB_PRODUCT_ID,
  USB_REPORT_DESCRIPTOR,
  USB_REPORT_ID,
  USB_REPORT_SIZE,
  USB_VENDOR_ID,
  type UsbReportOptions,
  UsbStreamDecoder,
} from './usb.js';
