/**
 * iqsim/registration: the registration rules core (docs/registration.md R-1…R-30,
 * D-R1…D-R8) as pure functions and store-agnostic operations, with the market data, the device ID
 * and QR formats and the store interface. No I/O: the server (registration/server/) injects the
 * store, clock, randomness, hashing and message sending.
 */
export {
  canUseMobileLogin,
  checkAdult,
  checkPassword,
  checkSecret,
  checkVerified,
  MARKETING_TOPICS,
  mayMarket,
  NEVER_MARKETED,
  needsCurrentPassword,
  newSecret,
  normaliseEmail,
  PASSWORD_LENGTH,
  SECRET_POLICY,
  SESSION_TTL_MS,
  type SecretCheck,
  type SecretFailure,
  todayIn,
} from './accounts.js';
export { type AssistanceGrant, checkAssistance } from './assistance.js';
export {
  afterCoarse,
  COARSE_BAN_AFTER,
  classifyInquiry,
  type InquiryClass,
  inServiceHours,
  isIllegible,
  messengerProfile,
  replyDueAt,
  retentionEnd,
} from './care.js';
export {
  accidentalClaimsLeft,
  accidentalCoverageEnd,
  checkAccidentalClaim,
  checkMoneyBack,
  checkProgramActivation,
  checkRapidReplacement,
  checkWarrantyClaim,
  type DamageKind,
  inWarranty,
  programEnd,
  programStatus,
  promisedDelivery,
  warrantyEnd,
} from './coverage.js';
export {
  checkCharacter,
  DEVICE_ID_PATTERN,
  normaliseDeviceId,
  parseDeviceId,
  parseQrPayload,
  QR_PREFIX,
  qrPayload,
} from './device-id.js';
export {
  checkOffer,
  checkRegistration,
  type OfferDecision,
  registerDevice,
  releaseDevice,
} from './devices.js';
export {
  allow,
  type Decision,
  must,
  REGISTRY_ERRORS,
  RegistryError,
  type RegistryErrorCode,
  refuse,
} from './errors.js';
export {
  CARE_CHANNEL,
  COVERED_COUNTRIES,
  INTERNATIONAL_ASSISTANCE,
  IQOS_COUNTRIES,
  MARKETS,
  type Market,
  market,
  PERIODS,
  PROGRAM_BENEFITS,
  RAPID_REPLACEMENT,
  REGISTRATION_BENEFITS,
  utcOffsetOf,
} from './markets.js';
export type {
  Account,
  Address,
  Case,
  CaseKind,
  Customer,
  Device,
  DeviceEvent,
  Inquiry,
  Order,
  PurgeCounts,
  Secret,
  SecretPurpose,
  Session,
  Store,
  StoreTx,
} from './model.js';
export type { Message, Ports, RegistryOptions } from './ports.js';
export * as accountsService from './service-accounts.js';
export * as careService from './service-care.js';
export type { Context } from './service-context.js';
export * as devicesService from './service-devices.js';
export { purgeExpired } from './service-retention.js';
export {
  THROTTLES,
  type Throttle,
  type ThrottlePolicy,
  type ThrottleScope,
  throttleAttempt,
  throttleRefusal,
} from './throttle.js';
export {
  addBusinessDays,
  addDays,
  addMonths,
  addMonthsToInstant,
  compareDates,
  DAY_MS,
  dayNumber,
  isBusinessDay,
  isIsoDate,
  isoInstant,
  localDate,
  parseInstant,
  weekday,
} from './time.js';
