/**
 * Shared machinery of the push decoders (docs/architecture.md house rule 5): a growable byte queue and a
 * resync loop that asks the concrete decoder, at the current offset, for a frame, for more bytes, or to skip
 * a byte.
 */

/** Output of the stream decoders: a whole frame, or a count of bytes skipped while resyncing. */
export type StreamEvent =
  | { readonly type: 'frame'; readonly frame: Uint8Array }
  | { readonly type: 'garbage'; readonly bytes: number };

/** What a decoder found at the current offset. */
export type Scan = { readonly frame: Uint8Array; readonly consumed: number } | 'skip' | 'more';

export abstract class ResyncingDecoder {
  private buffer = new Uint8Array(256);
  private start = 0;
  private end = 0;
  private garbage = 0;

  /** Bytes held back waiting for the rest of a frame. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Feeds bytes split at any offset; returns the frames completed and the garbage skipped. */
  push(bytes: Uint8Array): StreamEvent[] {
    this.append(bytes);
    const events: StreamEvent[] = [];
    while (this.end > this.start) {
      const scan = this.scan(this.buffer, this.start, this.end - this.start);
      if (scan === 'more') break;
      if (scan === 'skip') {
        this.garbage++;
        this.start++;
        continue;
      }
      this.flushGarbage(events);
      this.start += scan.consumed;
      events.push({ type: 'frame', frame: scan.frame });
    }
    if (this.end === this.start) this.flushGarbage(events);
    return events;
  }

  /** Ends the stream: whatever is still buffered is reported as garbage. */
  finish(): StreamEvent[] {
    this.garbage += this.end - this.start;
    this.start = 0;
    this.end = 0;
    const events: StreamEvent[] = [];
    this.flushGarbage(events);
    return events;
  }

  protected abstract scan(buf: Uint8Array, at: number, available: number): Scan;

  private flushGarbage(events: StreamEvent[]): void {
    if (this.garbage > 0) events.push({ type: 'garbage', bytes: this.garbage });
    this.garbage = 0;
  }

  private append(bytes: Uint8Array): void {
    const live = this.end - this.start;
    if (this.end + bytes.length > this.buffer.length) {
      const target =
        live + bytes.length > this.buffer.length ? new Uint8Array(2 * (live + bytes.length)) : this.buffer;
      target.set(this.buffer.subarray(this.start, this.end), 0);
      this.buffer = target;
      this.start = 0;
      this.end = live;
    }
    this.buffer.set(bytes, this.end);
    this.end += bytes.length;
  }
}
