/**
 * A recorded device's answers (docs/captures.md "Replay"): when a `DeviceScript` is given, the
 * virtual device answers SCP requests and characteristic reads from it instead of from the firmware
 * model. Framing, fragmentation to the MTU, the intake rules (D-9, D-11), bonds and the GATT table stay
 * the device's own, so a script recorded over one transport serves any other.
 */

/** The replies a script has for one request frame. */
export interface ScriptAnswer {
  /** Logical reply frames, in order; empty: the recording shows silence. */
  readonly frames: readonly Uint8Array[];
  /** How long after the request the recorded replies came, ms. */
  readonly delayMs: number;
}

export interface DeviceScript {
  /** The recorded answer to `frame`, or undefined when the recording never saw it (the device stays silent). */
  answer(frame: Uint8Array): ScriptAnswer | undefined;
  /** The recorded value of a readable or notifying characteristic, or undefined to use the model's. */
  value(handle: number): Uint8Array | undefined;
}
