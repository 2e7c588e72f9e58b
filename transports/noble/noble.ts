/**
 * A `Noble` instance on any bindings object. @stoprocent/noble 2.8's `withBindings(type, options)`
 * takes only a binding type name ('hci', 'dbus', 'mac', 'win') and throws "Unsupported binding type"
 * for an object, and the package exports no `Noble` class at run time (its typings declare one). The
 * class lives in `lib/noble.js` and takes the bindings as its one constructor argument; loading it from
 * there also keeps noble's default HCI bindings (and their native module) unloaded.
 */
import type { Noble } from '@stoprocent/noble';
import { requireOptional } from '../optional-package.js';
import type { VirtualNobleBindingsOptions } from './adapter.js';
import { createVirtualNobleBindings, type VirtualNobleBindings } from './bindings.js';

/** `new Noble(bindings)`: what `withBindings` would return if it accepted a bindings object. */
export function nobleWithBindings(bindings: object): Noble {
  const NobleClass = requireOptional<typeof Noble>(
    '@stoprocent/noble',
    '@stoprocent/noble/lib/noble.js',
    'the noble bindings',
  );
  return new NobleClass(bindings);
}

/** A noble that sees the given virtual devices, and its bindings (for `input`, `dropConnection`, …). */
export function createVirtualNoble(options: VirtualNobleBindingsOptions): {
  noble: Noble;
  bindings: VirtualNobleBindings;
} {
  const bindings = createVirtualNobleBindings(options);
  return { noble: nobleWithBindings(bindings), bindings };
}
