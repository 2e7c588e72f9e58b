/** Device, shop, claim, International Assistance and customer-care routes (R-9…R-30). */
import {
  type Context,
  careService as care,
  devicesService as devices,
  must,
  parseQrPayload,
} from '../index.js';
import type { RegistryApp } from './app-type.js';
import * as R from './responses.js';
import { auth, maybeAuth, OPTIONAL_SESSION, SECURED } from './routes-accounts.js';
import * as S from './schemas.js';

export function deviceRoutes(app: RegistryApp, ctx: Context, limited: { rateLimit: object }): void {
  const tags = ['devices'];
  const params = S.DeviceIdParam;
  app.get('/devices', { schema: { tags, ...SECURED, response: { 200: R.DeviceViews } } }, async (req) =>
    devices.listDevices(ctx, await auth(ctx, req)),
  );
  const registered = { 200: R.Registration, 201: R.Registration, ...R.problems(403, 409) };
  app.post(
    '/devices',
    { schema: { tags, ...SECURED, body: S.RegisterDevice, response: registered } },
    async (req, reply) => {
      const out = await devices.register(ctx, await auth(ctx, req), req.body, 'manual');
      return reply.code(out.newlyRegistered ? 201 : 200).send(out);
    },
  );
  app.post(
    '/devices/pair',
    {
      schema: {
        tags,
        ...SECURED,
        body: S.PairDevice,
        description: 'R-12: called by the app after pairing',
        response: registered,
      },
    },
    async (req, reply) => {
      const out = await devices.register(ctx, await auth(ctx, req), req.body, 'pairing', req.body.model);
      return reply.code(out.newlyRegistered ? 201 : 200).send(out);
    },
  );
  app.post(
    '/device-ids/qr',
    { schema: { tags, body: S.QrLookup, response: { 200: R.QrDecoded } }, config: limited },
    async (req) => ({
      deviceId: must(parseQrPayload(req.body.qr)),
    }),
  );
  app.get(
    '/devices/:deviceId',
    { schema: { tags, ...SECURED, params, response: { 200: R.DeviceView, ...R.problems(404) } } },
    async (req) => devices.lookupDevice(ctx, await auth(ctx, req), req.params.deviceId),
  );
  app.post(
    '/devices/:deviceId/warranty-claims',
    {
      schema: {
        tags,
        ...SECURED,
        params,
        body: S.WarrantyClaim,
        response: { 201: R.WarrantyCase, ...R.problems(404, 422) },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await devices.warrantyClaim(ctx, await auth(ctx, req), req.params.deviceId, req.body)),
  );
  app.post(
    '/devices/:deviceId/money-back',
    {
      schema: {
        tags,
        ...SECURED,
        params,
        body: S.Confirm,
        response: { 200: R.NotConfirmed, 201: R.MoneyBackCase, ...R.problems(404, 409, 422) },
      },
    },
    async (req, reply) => {
      const account = await auth(ctx, req);
      if (!req.body.confirm) return reply.code(200).send({ status: 'not-confirmed' });
      return reply.code(201).send(await devices.moneyBack(ctx, account, req.params.deviceId));
    },
  );
  app.put(
    '/devices/:deviceId/program',
    {
      schema: {
        tags,
        ...SECURED,
        params,
        body: S.ProgramActivation,
        response: { 200: R.Program, ...R.problems(404, 409, 422) },
      },
    },
    async (req) => devices.activateProgram(ctx, await auth(ctx, req), req.params.deviceId, req.body.country),
  );
  app.post(
    '/devices/:deviceId/accidental-claims',
    {
      schema: {
        tags,
        ...SECURED,
        params,
        body: S.AccidentalClaim,
        response: { 201: R.AccidentalCase, ...R.problems(404, 409, 422) },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await devices.accidentalClaim(ctx, await auth(ctx, req), req.params.deviceId, req.body)),
  );
  app.post(
    '/devices/:deviceId/rapid-replacement',
    {
      schema: {
        tags,
        ...SECURED,
        params,
        body: S.RapidReplacement,
        response: { 201: R.RapidReplacementCase, ...R.problems(404, 422) },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await devices.rapidReplacement(ctx, await auth(ctx, req), req.params.deviceId, req.body.addressId),
        ),
  );
  app.post(
    '/international-assistance',
    {
      schema: {
        tags,
        ...OPTIONAL_SESSION,
        body: S.Assistance,
        description: 'R-22…R-25; without a session: register first',
        response: { 201: R.AssistanceCase, ...R.problems(403, 422) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await devices.internationalAssistance(ctx, await maybeAuth(ctx, req), req.body)),
  );
  app.post(
    '/shop/orders',
    { schema: { tags: ['shop'], ...SECURED, body: S.Order, response: { 201: R.Order, ...R.problems(403) } } },
    async (req, reply) =>
      reply.code(201).send(await devices.createOrder(ctx, await auth(ctx, req), req.body)),
  );
  app.post(
    '/care/inquiries',
    {
      schema: {
        tags: ['care'],
        ...SECURED,
        body: S.Inquiry,
        response: { 201: R.InquiryOut, ...R.problems(403, 422) },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await care.createInquiry(ctx, await auth(ctx, req), req.body.text, req.body.diagnostics)),
  );
  app.get(
    '/care/inquiries',
    { schema: { tags: ['care'], ...SECURED, response: { 200: R.Inquiries } } },
    async (req) => care.listInquiries(ctx, await auth(ctx, req)),
  );
}
