/**
 * The registration service, loaded when a test starts one: its packages (fastify, libsql, …) are
 * optional peers (docs/transports.md "Optional packages"), so `iqsim/testing` loads without them and
 * a missing one is TRANSPORT_PACKAGE_MISSING naming what to install. Not exported by the entry: its
 * type is the server module's, which names fastify's types.
 */

/** registration/server, or TRANSPORT_PACKAGE_MISSING naming its absent packages. */
export async function loadRegistryServer() {
  // The transports layer holds the loader; imported here, not at the top, so that `iqsim/testing`
  // itself loads no transport (test/pack-imports.test.ts).
  const { importWithOptional, REGISTRY_PACKAGES } = await import('../transports/index.js');
  return importWithOptional(
    REGISTRY_PACKAGES,
    'the registration service',
    () => import('../registration/server/index.js'),
  );
}
