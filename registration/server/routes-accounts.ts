/** Account routes (R-1…R-8): sign-up, verification, logins, passwords, profile, addresses, deletion. */
import type { FastifyRequest } from 'fastify';
import { type Account, accountsService as accounts, type Context, RegistryError } from '../index.js';
import type { RegistryApp } from './app-type.js';
import * as R from './responses.js';
import * as S from './schemas.js';

export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

export function auth(ctx: Context, request: FastifyRequest): Promise<Account> {
  return accounts.authenticate(ctx, bearer(request));
}

export const SECURED = { security: [{ bearer: [] }] };
/** International Assistance: a session if there is one. */
export const OPTIONAL_SESSION: { security: Record<string, string[]>[] } = { security: [{ bearer: [] }, {}] };

export function accountRoutes(app: RegistryApp, ctx: Context, limited: { rateLimit: object }): void {
  const tags = ['accounts'];
  app.post(
    '/auth/signup',
    {
      schema: {
        tags,
        body: S.SignUp,
        response: { 202: R.Accepted('verification-sent'), ...R.problems(422) },
      },
      config: limited,
    },
    async (req, reply) => reply.code(202).send(await accounts.signUp(ctx, req.body)),
  );
  const verified = { 200: R.Verified, ...R.problems(409) };
  app.post(
    '/auth/verify',
    { schema: { tags, body: S.Verify, response: verified }, config: limited },
    async (req) => accounts.verifyEmail(ctx, req.body),
  );
  app.get(
    '/auth/verify',
    {
      schema: { tags, querystring: S.Verify, description: 'D-R1: the activation link', response: verified },
      config: limited,
    },
    async (req) => accounts.verifyEmail(ctx, req.query),
  );
  app.post(
    '/auth/verify/resend',
    {
      schema: { tags, body: S.EmailOnly, response: { 202: R.Accepted('sent-if-unverified') } },
      config: limited,
    },
    async (req, reply) => {
      await accounts.resendVerification(ctx, req.body.email);
      return reply.code(202).send({ status: 'sent-if-unverified' });
    },
  );
  app.post(
    '/auth/login',
    {
      schema: { tags, body: S.Login, response: { 200: R.Session, ...R.problems(401, 403) } },
      config: limited,
    },
    async (req) => accounts.login(ctx, req.body.email, req.body.password),
  );
  app.post(
    '/auth/otp/request',
    {
      schema: { tags, body: S.MobileOnly, response: { 202: R.Accepted('sent-if-registered') } },
      config: limited,
    },
    async (req, reply) => {
      await accounts.requestOtp(ctx, req.body.mobile);
      return reply.code(202).send({ status: 'sent-if-registered' });
    },
  );
  app.post(
    '/auth/otp/verify',
    { schema: { tags, body: S.OtpLogin, response: { 200: R.Session, ...R.problems(401) } }, config: limited },
    async (req) => accounts.loginByOtp(ctx, req.body.mobile, req.body.code),
  );
  app.post(
    '/auth/password/forgot',
    {
      schema: { tags, body: S.EmailOnly, response: { 202: R.Accepted('sent-if-registered') } },
      config: limited,
    },
    async (req, reply) => {
      await accounts.forgotPassword(ctx, req.body.email);
      return reply.code(202).send({ status: 'sent-if-registered' });
    },
  );
  app.post(
    '/auth/password/reset',
    { schema: { tags, body: S.Reset, response: { 204: R.NoContent } }, config: limited },
    async (req, reply) => {
      await accounts.resetPassword(ctx, req.body.email, req.body.code, req.body.newPassword);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/auth/logout',
    { schema: { tags, ...SECURED, response: { 204: R.NoContent } } },
    async (req, reply) => {
      await auth(ctx, req);
      await accounts.logout(ctx, bearer(req) as string);
      return reply.code(204).send(null);
    },
  );

  app.get('/me', { schema: { tags, ...SECURED, response: { 200: R.Profile } } }, async (req) =>
    accounts.profile(await auth(ctx, req)),
  );
  app.patch(
    '/me',
    { schema: { tags, ...SECURED, body: S.Details, response: { 200: R.Profile } } },
    async (req) => {
      const account = await auth(ctx, req);
      return accounts.profile(await accounts.updateAccount(ctx, account.id, (a) => ({ ...a, ...req.body })));
    },
  );
  app.delete(
    '/me',
    { schema: { tags, ...SECURED, body: S.Confirm, response: { 200: R.Deleted } } },
    async (req) => {
      const account = await auth(ctx, req);
      return accounts.deleteAccount(ctx, account.id, req.body.confirm);
    },
  );
  app.put(
    '/me/email',
    {
      schema: {
        tags,
        ...SECURED,
        body: S.NewEmail,
        response: { 202: R.Accepted('verification-sent') },
      },
      config: limited,
    },
    async (req, reply) => {
      await accounts.changeEmail(ctx, (await auth(ctx, req)).id, req.body.newEmail);
      return reply.code(202).send({ status: 'verification-sent' });
    },
  );
  app.post(
    '/me/email/verify',
    { schema: { tags, ...SECURED, body: S.CodeOnly, response: verified }, config: limited },
    async (req) => {
      const account = await auth(ctx, req);
      const own = accounts.tokenHash(ctx, bearer(req) as string);
      return accounts.verifyEmail(ctx, { token: `${account.id}.${req.body.code}` }, own);
    },
  );
  app.put(
    '/me/password',
    {
      schema: { tags, ...SECURED, body: S.NewPassword, response: { 204: R.NoContent, ...R.problems(403) } },
      config: limited,
    },
    async (req, reply) => {
      await accounts.changePassword(ctx, await auth(ctx, req), {
        current: req.body.currentPassword,
        next: req.body.newPassword,
        keepTokenHash: accounts.tokenHash(ctx, bearer(req) as string),
      });
      return reply.code(204).send(null);
    },
  );
  app.put(
    '/me/mobile',
    {
      schema: {
        tags,
        ...SECURED,
        body: S.MobileOnly,
        response: { 202: R.Accepted('verification-sent') },
      },
      config: limited,
    },
    async (req, reply) => {
      await accounts.addMobile(ctx, (await auth(ctx, req)).id, req.body.mobile);
      return reply.code(202).send({ status: 'verification-sent' });
    },
  );
  app.post(
    '/me/mobile/verify',
    {
      schema: {
        tags,
        ...SECURED,
        body: S.CodeOnly,
        response: { 200: R.MobileVerified, ...R.problems(409) },
      },
      config: limited,
    },
    async (req) => {
      const account = await auth(ctx, req);
      await accounts.verifyMobile(ctx, account.id, req.body.code);
      return { mobileVerified: true as const };
    },
  );
  app.put(
    '/me/marketing',
    { schema: { tags, ...SECURED, body: S.Marketing, response: { 200: R.MarketingOut } } },
    async (req) => {
      const account = await auth(ctx, req);
      const next = await accounts.updateAccount(ctx, account.id, (a) => ({
        ...a,
        marketingOptIn: req.body.optIn,
      }));
      return accounts.profile(next).marketing;
    },
  );
  app.get(
    '/me/addresses',
    { schema: { tags, ...SECURED, response: { 200: R.Addresses } } },
    async (req) => (await auth(ctx, req)).addresses,
  );
  app.post(
    '/me/addresses',
    { schema: { tags, ...SECURED, body: S.Address, response: { 201: R.AddressOut } } },
    async (req, reply) =>
      reply.code(201).send(await accounts.putAddress(ctx, (await auth(ctx, req)).id, req.body)),
  );
  app.put(
    '/me/addresses/:id',
    {
      schema: {
        tags,
        ...SECURED,
        params: S.IdParam,
        body: S.Address,
        response: { 200: R.AddressOut, ...R.problems(404) },
      },
    },
    async (req) => accounts.putAddress(ctx, (await auth(ctx, req)).id, req.body, req.params.id),
  );
  app.delete(
    '/me/addresses/:id',
    { schema: { tags, ...SECURED, params: S.IdParam, response: { 204: R.NoContent, ...R.problems(404) } } },
    async (req, reply) => {
      await accounts.removeAddress(ctx, (await auth(ctx, req)).id, req.params.id);
      return reply.code(204).send(null);
    },
  );
}

/** Optional authentication (International Assistance answers unregistered users too, R-23). */
export async function maybeAuth(ctx: Context, request: FastifyRequest): Promise<Account | undefined> {
  if (!bearer(request)) return undefined;
  try {
    return await auth(ctx, request);
  } catch (e) {
    if (e instanceof RegistryError && e.code === 'REGISTRY_UNAUTHENTICATED') return undefined;
    throw e;
  }
}
