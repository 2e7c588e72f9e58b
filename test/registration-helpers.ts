/** Shared helpers of the registration tests. */
import { expect } from 'vitest';
import { type Registry, RegistryApiError, type RegistryClient } from '../testing/index.js';

export async function refused(p: Promise<unknown>, code: string): Promise<RegistryApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(RegistryApiError);
  expect((e as RegistryApiError).code).toBe(code);
  return e as RegistryApiError;
}

/** Device IDs in the D-R4 format, one per n. */
export function deviceIdOf(n: number): string {
  return `T${n.toString(36).toUpperCase().padStart(13, '0')}`;
}

/** A fresh session for `user` (sessions last 30 days; tests that jump a year log in again). */
export async function relogin<T extends RegistryClient & { email: string }>(registry: Registry, user: T) {
  const { token } = await registry.client.login(user.email, 'correct horse 1');
  return registry.client.as(token);
}
