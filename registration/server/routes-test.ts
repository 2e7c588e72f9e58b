/**
 * Test controls, registered only in test mode (`--test-mode`, bound to loopback by default): the
 * outbox, the service clock, reset, seeded faults, a state digest and operator actions.
 */

import { Type } from 'typebox';
import {
  type Context,
  devicesService,
  isoInstant,
  parseInstant,
  purgeExpired,
  RegistryError,
} from '../index.js';
import { listAccounts, listDevices, purchase } from './admin.js';
import type { RegistryApp } from './app-type.js';
import type { FaultTable } from './faults.js';
import { installSameOrigin } from './guards.js';
import type { Outbox, ServiceClock } from './ports.js';
import * as R from './responses.js';
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
  /** A state-changing control: 403 REGISTRY_CROSS_SITE (415 comes with every body). */
  const changes = (answers: object, ...statuses: number[]) => ({
    ...answers,
    ...R.problems(403, ...statuses),
  });
  const gone = changes({ 204: R.NoContent });
  const clockOut = () => ({ now: isoInstant(t.clock.nowMs()), nowMs: t.clock.nowMs() });
  app.get(
    '/_test/outbox',
    { schema: { tags, querystring: OutboxQuery, response: { 200: R.Messages } } },
    async (req) =>
      t.outbox.messages.filter(
        (m) =>
          (!req.query.to || m.to === req.query.to.toLowerCase() || m.to === req.query.to) &&
          (!req.query.template || m.template === req.query.template),
      ),
  );
  app.delete('/_test/outbox', { schema: { tags, body, response: gone } }, async (_req, reply) => {
    t.outbox.clear();
    return reply.code(204).send(null);
  });
  app.get('/_test/clock', { schema: { tags, response: { 200: R.Clock } } }, async () => clockOut());
  app.put(
    '/_test/clock',
    { schema: { tags, body: S.ClockSet, response: changes({ 200: R.Clock }) } },
    async (req) => {
      const ms = parseInstant(req.body.now);
      if (ms === undefined) throw new RegistryError('REGISTRY_BAD_DATE', 'now is an ISO instant with a zone');
      t.clock.set(ms);
      return clockOut();
    },
  );
  app.post(
    '/_test/clock/advance',
    { schema: { tags, body: S.ClockAdvance, response: changes({ 200: R.Clock }) } },
    async (req) => {
      t.clock.advance(req.body.ms);
      return clockOut();
    },
  );
  app.post('/_test/reset', { schema: { tags, body, response: gone } }, async (_req, reply) => {
    await t.store.reset();
    t.outbox.clear();
    t.faults.clear();
    return reply.code(204).send(null);
  });
  app.get('/_test/faults', { schema: { tags, response: { 200: R.Faults } } }, async () => t.faults.list());
  app.put(
    '/_test/faults',
    { schema: { tags, body: S.Fault, response: changes({ 200: R.Faults }) } },
    async (req) => {
      t.faults.set(req.body);
      return t.faults.list();
    },
  );
  app.delete('/_test/faults', { schema: { tags, body, response: gone } }, async (_req, reply) => {
    t.faults.clear();
    return reply.code(204).send(null);
  });
  app.get('/_test/digest', { schema: { tags, response: { 200: R.Digest } } }, async () => ({
    digest: await t.store.digest(),
  }));
  app.get('/_test/accounts', { schema: { tags, response: { 200: R.AccountRows } } }, async () =>
    listAccounts(t.store),
  );
  app.get('/_test/devices', { schema: { tags, response: { 200: R.DeviceRows } } }, async () =>
    listDevices(t.store),
  );
  app.post(
    '/_test/purchases',
    {
      schema: {
        tags,
        body: S.AdminPurchase,
        response: changes({ 201: Type.Union([R.Order, R.Shipped]) }, 404, 409),
      },
    },
    async (req, reply) => reply.code(201).send(await purchase(ctx, req.body)),
  );
  app.post(
    '/_test/orders/:id/ship',
    { schema: { tags, params: S.IdParam, body, response: changes({ 200: R.Shipped }, 404, 409) } },
    async (req) => devicesService.shipOrder(ctx, req.params.id),
  );
  app.post('/_test/purge', { schema: { tags, body, response: changes({ 200: R.Purged }) } }, async () => ({
    purged: await purgeExpired(ctx),
  }));
}
