/** Where the CLI writes; tests pass buffers, `main.ts` passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (progress bars); false when not said. */
  readonly isTTY?: boolean;
  /** Whether stderr is a terminal, and its width: where progress bars go. False when not said. */
  readonly errIsTTY?: boolean;
  readonly errColumns?: number;
}

/** Exit codes: 0 all good, 1 some item failed, 2 bad usage or input. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** What a command's module gets to define itself: the streams and a way to set the exit code. */
export interface CliContext {
  readonly io: CliIo;
  setExit(code: number): void;
}

/** A usage error with a stable code, printed as `error CODE: message` and exit 2. */
export class CliUsageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
