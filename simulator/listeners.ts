/**
 * The listeners behind every `onData`, `onClose`, `onBattery`, `subscribe` … of the library and its
 * transports: `add` returns the function that removes the listener again, and `emit` calls each one
 * in the order added. A listener added while an emit runs is called by that emit too, and one removed
 * before its turn is not (a `Set`'s iteration order). Listeners take up to two arguments, passed
 * without a rest array, so an emit allocates nothing.
 */
export class ListenerSet<A = void, B = void> {
  private readonly listeners = new Set<(a: A, b: B) => void>();

  add(listener: (a: A, b: B) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(a: A, b: B): void {
    for (const listener of this.listeners) listener(a, b);
  }

  /** The listeners of this moment, for an emit that happens later to them alone. */
  current(): ((a: A, b: B) => void)[] {
    return [...this.listeners];
  }

  clear(): void {
    this.listeners.clear();
  }

  get size(): number {
    return this.listeners.size;
  }
}
