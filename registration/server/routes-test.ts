/**
 * Test controls, registered only in test mode (`--test-mode`, bound to loopback by default): the
 * outbox, the service clock, reset, seeded faults, a state digest and operator actions.
 */

import { Type } from 'typebox';
import {
  type Context,
  careService,
  devicesService,
  isoInstant,
  parseInstant,
  RegistryError,
} from '../index.js';
import { listAccounts, listDevices, purchase } from './admin.js';
import type { RegistryApp } from './app-type.js';
import type { FaultTable } from './faults.js';
import { installSameOrigin } from './guards.js';
import type { Outbox, ServiceClock } from './ports.js';
import * as S from './schemas.js';
import type { LibsqlStore } from './store.js';

export interface TestControls {
  store: LibsqlStore;
  clock: ServiceClock;
  outbox: Outbox;
  faults: FaultTable;
}

const OutboxQuery = Type.Object(
  {
    to: Type.Optional(Type.String({ maxLength: 254 })),
    template: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

/** In a scope of their own: the same-origin and JSON-only rules apply to these routes alone. */
export function testRoutes(root: RegistryApp, ctx: Context, t: TestControls): void {
  root.register(async (app) => {
    installSameOrigin(app);
    controls(app, ctx, t);
  });
}

function controls(app: RegistryApp, ctx: Context, t: TestControls): void {
  const tags = ['test-mode'];
  const body = S.Empty;
  const clockOut = () => ({ now: isoInstant(t.clock.nowMs()), nowMs: t.clock.nowMs() });
  app.get('/_test/outbox', { schema: { tags, querystring: OutboxQuery } }, async (req) =>
    t.outbox.messages.filter(
      (m) =>
        (!req.query.to || m.to === req.query.to.toLowerCase() || m.to === req.query.to) &&
        (!req.query.template || m.template === req.query.template),
    ),
  );
  app.delete('/_test/outbox', { schema: { tags, body } }, async (_req, reply) => {
    t.outbox.clear();
    return reply.code(204).send();
  });
  app.get('/_test/clock', { schema: { tags } }, async () => clockOut());
  app.put('/_test/clock', { schema: { tags, body: S.ClockSet } }, async (req) => {
    const ms = parseInstant(req.body.now);
    if (ms === undefined) throw new RegistryError('REGISTRY_BAD_DATE', 'now is an ISO instant with a zone');
    t.clock.set(ms);
    return clockOut();
  });
  app.post('/_test/clock/advance', { schema: { tags, body: S.ClockAdvance } }, async (req) => {
    t.clock.advance(req.body.ms);
    return clockOut();
  });
  app.post('/_test/reset', { schema: { tags, body } }, async (_req, reply) => {
    await t.store.reset();
    t.outbox.clear();
    t.faults.clear();
    return reply.code(204).send();
  });
  app.get('/_test/faults', { schema: { tags } }, async () => t.faults.list());
  app.put('/_test/faults', { schema: { tags, body: S.Fault } }, async (req) => {
    t.faults.set(req.body);
    return t.faults.list();
  });
  app.delete('/_test/faults', { schema: { tags, body } }, async (_req, reply) => {
    t.faults.clear();
    return reply.code(204).send();
  });
  app.get('/_test/digest', { schema: { tags } }, async () => ({ digest: await t.store.digest() }));
  app.get('/_test/accounts', { schema: { tags } }, async () => listAccounts(t.store));
  app.get('/_test/devices', { schema: { tags } }, async () => listDevices(t.store));
  app.post('/_test/purchases', { schema: { tags, body: S.AdminPurchase } }, async (req, reply) =>
    reply.code(201).send(await purchase(ctx, req.body)),
  );
  app.post('/_test/orders/:id/ship', { schema: { tags, params: S.IdParam, body } }, async (req) =>
    devicesService.shipOrder(ctx, req.params.id),
  );
  app.post('/_test/purge', { schema: { tags, body } }, async () => ({
    purged: await careService.purgeExpired(ctx),
  }));
}
