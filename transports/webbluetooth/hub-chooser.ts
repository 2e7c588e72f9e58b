/**
 * The hub's stand-in for the browser's device prompt: the policy a test sets, applied to the
 * candidates of one `requestDevice` (docs/webbluetooth.md "Choosing a device").
 */
import type { VirtualDevice } from '../../simulator/index.js';
import type { ChooserCandidate } from './session.js';
import type { RequestDeviceOptionsJson } from './types.js';

/** A candidate as the chooser policy sees it (a crowd member's device is made when first read). */
export interface ChooserOption extends ChooserCandidate {
  readonly device: VirtualDevice;
}

/**
 * Replaces the browser's device prompt: the first match, the match with a name or id, cancel (the
 * page gets NotFoundError), or a function returning the id (or device) to pick, undefined to cancel.
 */
export type ChooserPolicy =
  | 'first'
  | 'cancel'
  | { readonly name: string }
  | { readonly id: string }
  | ((
      candidates: readonly ChooserOption[],
      request: RequestDeviceOptionsJson,
    ) => string | VirtualDevice | undefined | Promise<string | VirtualDevice | undefined>);

/**
 * The id the policy picks among `candidates`, or undefined (cancelled). A function policy sees each
 * candidate's device, made only when it reads it (`deviceOf`); `idOf` maps a picked device back.
 */
export async function pick(
  policy: ChooserPolicy,
  candidates: readonly ChooserCandidate[],
  request: RequestDeviceOptionsJson,
  deviceOf: (id: string) => VirtualDevice,
  idOf: (device: VirtualDevice) => string | undefined,
): Promise<string | undefined> {
  if (policy === 'cancel') return undefined;
  if (policy === 'first') return candidates[0]?.id;
  if (typeof policy === 'function') {
    const options = candidates.map(
      (c): ChooserOption => ({
        ...c,
        get device() {
          return deviceOf(c.id);
        },
      }),
    );
    const picked = await policy(options, request);
    return typeof picked === 'string' || picked === undefined ? picked : idOf(picked);
  }
  if ('name' in policy) return candidates.find((c) => c.name === policy.name)?.id;
  return candidates.find((c) => c.id === policy.id)?.id;
}
