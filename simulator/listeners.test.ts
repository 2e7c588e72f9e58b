import { describe, expect, it } from 'vitest';
import { ListenerSet } from './listeners.js';

describe('ListenerSet', () => {
  it('calls each listener in the order added, with both arguments, until it is removed', () => {
    const set = new ListenerSet<number, string>();
    const calls: string[] = [];
    set.add((n, s) => calls.push(`a${n}${s}`));
    const removeB = set.add((n) => calls.push(`b${n}`));
    set.emit(1, 'x');
    removeB();
    removeB();
    set.emit(2, 'y');
    expect(calls).toEqual(['a1x', 'b1', 'a2y']);
    expect(set.size).toBe(1);
  });

  it('a listener added during an emit is called by it; one removed before its turn is not', () => {
    const set = new ListenerSet<number>();
    const calls: string[] = [];
    let removeC = (): void => {};
    set.add(() => {
      calls.push('a');
      removeC();
      if (set.size < 3) set.add(() => calls.push('late'));
    });
    removeC = set.add(() => calls.push('c'));
    set.emit(1);
    expect(calls).toEqual(['a', 'late']);
  });

  it('current() keeps the listeners of this moment; clear() removes every one', () => {
    const set = new ListenerSet<string>();
    const calls: string[] = [];
    set.add((s) => calls.push(s));
    const now = set.current();
    set.add(() => calls.push('later'));
    for (const listener of now) listener('x');
    set.clear();
    set.emit('y');
    expect(calls).toEqual(['x']);
    expect(set.size).toBe(0);
  });
});
