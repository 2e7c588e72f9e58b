/**
 * The one error class of the simulator core (docs/architecture.md house rule 7). The `code` is the API; the
 * message text is for humans and may change. Device conditions are states, not throws: these codes
 * report programmer or user misuse of the simulator itself.
 */
export type SimulatorErrorCode =
  /**
   * Time would go backwards, or a time is not a finite number of milliseconds (docs/architecture.md house
   * rule 4).
   */
  | 'SIM_TIME'
  /** `runUntilIdle` (or a bounded advance) fired more callbacks than its loop limit allows. */
  | 'SIM_LOOP_LIMIT'
  /** A device model name that no profile describes. */
  | 'SIM_UNKNOWN_MODEL'
  /** A scenario that cannot be parsed or run. */
  | 'SIM_SCENARIO'
  /** A fleet file or `createFleet` options that break docs/fleet.md "The fleet file". */
  | 'SIM_FLEET'
  /** A snapshot that is malformed or belongs to another model or version. */
  | 'SIM_SNAPSHOT'
  /** A register-override set (file or option) with a bad key, value or format (docs/simulator.md). */
  | 'SIM_OVERRIDES'
  /** A client request got no reply within its virtual-time budget. */
  | 'SIM_TIMEOUT'
  /** An operation on a link or client that is not (or no longer) connected. */
  | 'SIM_DISCONNECTED'
  /** An argument outside what the API accepts (a negative limit, a malformed option). */
  | 'SIM_BAD_INPUT'
  /** A scenario or test expectation that did not hold. */
  | 'SIM_ASSERTION'
  /** Capture input that is not of the format it is read as (wrong magic, not JSON lines). */
  | 'SIM_CAPTURE_FORMAT'
  /** A capture file of a version this reader does not know (btsnoop, pcapng, JSONL `v`). */
  | 'SIM_CAPTURE_VERSION'
  /** A btsnoop datalink or pcapng link type other than those of docs/captures.md. */
  | 'SIM_CAPTURE_LINKTYPE'
  /** A capture file that ends inside a header, record or block. */
  | 'SIM_CAPTURE_TRUNCATED'
  /** A record, block or line whose fields contradict each other or the format. */
  | 'SIM_CAPTURE_RECORD'
  /** A capture to replay holds no SCP request (docs/captures.md "Replay"). */
  | 'SIM_REPLAY_EMPTY'
  /** A capture to replay does not say which model it recorded, and none was named. */
  | 'SIM_REPLAY_MODEL'
  /** A trace rate outside what the sampler takes, or a trace file that is not one (docs/traces.md). */
  | 'SIM_TRACE';

/** Where in the input an error is: a byte offset (binary formats) or a 1-based line (JSON lines). */
export interface SimulatorErrorDetails {
  readonly offset?: number;
  readonly line?: number;
  /** JSON pointer of the offending value (fleet options). */
  readonly pointer?: string;
}

export class SimulatorError extends Error {
  readonly code: SimulatorErrorCode;
  readonly details: SimulatorErrorDetails;

  constructor(code: SimulatorErrorCode, message: string, details: SimulatorErrorDetails = {}) {
    super(message);
    this.name = 'SimulatorError';
    this.code = code;
    this.details = details;
  }
}
