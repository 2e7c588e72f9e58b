/** iqsim/protocol: sans-IO codecs of the IQOS wire protocol (shared/spec/protocol.md). */
export {
  BlePacketAssembler,
  type BleAssemblerOptions,
  BleStreamDecoder,
  DEFAULT_ATT_MTU,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_REASSEMBLY_TIMEOUT_MS,
  MAX_ATT_MTU,
  TRANSPORT_LAST,
  TRANSPORT_MORE,
  fragmentFrame,
  fragmentedLength,
  frameBytesPerPacket,
} from './ble.js';
export { COMMANDS, GENERIC_COMMANDS, commandByName, findCommand, isGeneric } from './catalogue.js';
export {
  AD_COMPLETE_NAME,
  AD_COMPLETE_UUID128,
  AD_FLAGS,
  AD_MANUFACTURER,
  AD_TX_POWER,
  type AdStructure,
  type AdvertisingData,
  IQOS_AD_FLAGS,
  IQOS_COMPANY_ID,
  IQOS_TX_POWER_DBM,
  buildAdvertising,
  buildScanResponse,
  decodeAdvertising,
  encodeAdStructures,
} from './characteristics/advertising.js';
export { type BatteryRecord, decodeBatteryRecord, encodeBatteryRecord } from './characteristics/battery.js';
export { DIS_MANUFACTURER, decodeDisString, encodeDisString, softwareRevision } from './characteristics/dis.js';
export {
  AMBIENT_STATES,
  CHARGER_STATES,
  CHARGER_SYSTEM_ERRORS,
  type ChargerHolderStatus,
  END_OF_HEAT_REASONS,
  HOLDER_CONNECTIONS,
  HOLDER_ERRORS,
  HOLDER_STATES,
  HOLDER_WARNINGS,
  type HolderStatus,
  type LastExperience,
  type StatusRecord,
  decodeStatusRecord,
  encodeStatusRecord,
} from './characteristics/status.js';
export {
  type DecodeOptions,
  type DecodedFrame,
  type EncodeOptions,
  type FrameDecodeResult,
  type FrameSummary,
  decodeFrame,
  encodeCommand,
} from './codec.js';
export { type CommandArgs, type CommandSpec, parseOnOff } from './command.js';
export { RECORD_CHECK_INIT, crc8, crc16 } from './crc.js';
export { ProtocolError, type ProtocolErrorCode, type ProtocolErrorDetails, type Result } from './errors.js';
export {
  type CrcPosition,
  FrameHeader,
  FrameStatus,
  type LengthCode,
  type LongFrameFields,
  MAX_REGISTER,
  PAYLOAD_SIZES,
  type ShortFrameFields,
  TYPE_LONG,
  TYPE_RESERVED,
  TYPE_RESPONSE,
  TYPE_WRITE,
  encodeLongFrame,
  encodeShortFrame,
  frameError,
  parseFrameInto,
  registerAddress,
} from './frame.js';
export {
  BATTERY_CHAR_UUID,
  type CharProperty,
  type CharacteristicDef,
  DEVICE_INFO_SERVICE_UUID,
  GATT_SERVICES,
  IQOS_SERVICE_UUID,
  SCP_CHAR_UUID,
  STATUS_CHAR_UUID,
  type ServiceDef,
  normalizeUuid,
  sigUuid,
  uuidFromLittleEndian,
  uuidToLittleEndian,
} from './gatt.js';
export { hexBytes, hexNumber, parseHex, toHex } from './hex.js';
export {
  type CharacteristicKind,
  type InputTransport,
  type InspectOptions,
  type InspectedItem,
  bleBytesToFrame,
  inspectBytes,
} from './inspect.js';
export { type Capability, MODELS, type ModelInfo, findModel, getModel, modelFromAdvertisedName } from './models.js';
export {
  REPLY_NODE,
  REQUEST_NODE,
  UNITS,
  type Unit,
  isKnownNode,
  parseUnit,
  unitOfReplyNode,
  unitOfRequestNode,
} from './nodes.js';
export { type FieldKind, type FieldSpec, type Fields, type PayloadCodec, layout } from './payload.js';
export { BRIGHTNESS_HIGH, BRIGHTNESS_LOW, VIBRATION_FLAGS } from './registers/settings.js';
export { DEVICE_EPOCH_UNIX_S, deviceSecondsToIso, parseDeviceTime } from './registers/identity.js';
export { COUNTER_TAGS, type CounterBlock, TABLE_CLOCK, TABLE_USAGE_COUNTERS, type UsageCounters } from './registers/tables.js';
export { type StreamEvent } from './stream.js';
export {
  USB_MAX_FRAME,
  USB_PRODUCT_ID,
  USB_REPORT_DESCRIPTOR,
  USB_REPORT_ID,
  USB_REPORT_SIZE,
  USB_VENDOR_ID,
  UsbStreamDecoder,
  type UsbReportOptions,
  decodeUsbReport,
  encodeUsbReport,
} from './usb.js';
