/** Account rules through the HTTP API, each test named after its rule (docs/registration.md). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../testing/index.js';
import { deviceIdOf, refused } from './registration-helpers.js';

let registry: Registry;
beforeAll(async () => {
  registry = await createRegistry();
  registry.clock.set('2025-06-04T08:00:00Z');
});
afterAll(() => registry.close());

const base = { password: 'secret garden 123', dateOfBirth: '1990-01-01', country: 'DE' };

describe('accounts over HTTP', () => {
  it('R-1: sign-up needs a valid date of birth and 18+', async () => {
    const api = registry.client;
    await refused(
      api.signUp({ ...base, email: 'r1@example.com', dateOfBirth: '2010-01-01' }),
      'REGISTRY_UNDERAGE',
    );
    const r = await api.raw('POST', '/auth/signup', {
      ...base,
      email: 'r1@example.com',
      dateOfBirth: '2001-02-30',
    });
    expect(r.status).toBe(400);
    expect(registry.outbox.all().some((m) => m.to === 'r1@example.com')).toBe(false);
  });

  it('R-2: the verification secret works as a link, once', async () => {
    await registry.client.signUp({ ...base, email: 'r2@example.com' });
    const link = registry.outbox
      .all()
      .filter((m) => m.to === 'r2@example.com')
      .at(-1)?.link as string;
    const token = new URL(link).searchParams.get('token') as string;
    const r = await registry.client.raw('GET', `/auth/verify?token=${token}`);
    expect(r.status).toBe(200);
    await refused(registry.client.verify({ token }), 'REGISTRY_CODE_INVALID');
  });

  it('D-R1: a new request invalidates the old code; 24 h later a code has expired', async () => {
    const api = registry.client;
    await api.signUp({ ...base, email: 'dr1@example.com' });
    const first = registry.outbox.lastCode('dr1@example.com');
    await api.call('POST', '/auth/verify/resend', { email: 'dr1@example.com' });
    const second = registry.outbox.lastCode('dr1@example.com');
    if (first !== second)
      await refused(api.verify({ email: 'dr1@example.com', code: first }), 'REGISTRY_CODE_INVALID');
    registry.clock.advance(24 * 3_600_000);
    // Expired answers as wrong does (one answer for every failure: docs/security.md).
    await refused(api.verify({ email: 'dr1@example.com', code: second }), 'REGISTRY_CODE_INVALID');
    registry.clock.set('2025-06-04T08:00:00Z');
    await api.call('POST', '/auth/verify/resend', { email: 'dr1@example.com' });
    registry.clock.advance(24 * 3_600_000 - 1);
    await api.verify({ email: 'dr1@example.com', code: registry.outbox.lastCode('dr1@example.com') });
    registry.clock.set('2025-06-04T08:00:00Z');
  });

  it('D-R1: an unverified account cannot log in or register a device', async () => {
    await registry.client.signUp({ ...base, email: 'unv@example.com', deviceId: deviceIdOf(900) });
    await refused(registry.client.login('unv@example.com', 'secret garden 123'), 'REGISTRY_NOT_VERIFIED');
    expect((await registry.client.call<{ registered: boolean }[]>('GET', '/_test/devices')).length).toBe(0);
  });

  it('R-3: login failures never reveal whether the account exists; forgot/reset sets a new password', async () => {
    const user = await registry.newUser();
    const wrong = await refused(
      registry.client.login(user.email, 'wrong password 1'),
      'REGISTRY_LOGIN_FAILED',
    );
    const none = await refused(
      registry.client.login('nobody@example.com', 'wrong password 1'),
      'REGISTRY_LOGIN_FAILED',
    );
    expect(wrong.detail).toBe(none.detail);
    const forgotNone = await registry.client.raw('POST', '/auth/password/forgot', {
      email: 'nobody@example.com',
    });
    const forgotSome = await registry.client.raw('POST', '/auth/password/forgot', { email: user.email });
    expect([forgotNone.status, forgotNone.body]).toEqual([forgotSome.status, forgotSome.body]);
    const code = registry.outbox.lastCode(user.email, 'reset-password');
    await registry.client.call('POST', '/auth/password/reset', {
      email: user.email,
      code,
      newPassword: 'new secret 9999',
    });
    await refused(user.me(), 'REGISTRY_UNAUTHENTICATED'); // reset ends sessions
    await registry.client.login(user.email, 'new secret 9999');
  });

  it('R-4: OTP login only for a mobile stored and verified on the account', async () => {
    const user = await registry.newUser({ mobile: '+4917000000001' });
    await registry.client.requestOtp('+4917000000001');
    expect(registry.outbox.all().some((m) => m.template === 'login-otp' && m.to === '+4917000000001')).toBe(
      false,
    );
    await refused(registry.client.loginByOtp('+4917000000001', '123456'), 'REGISTRY_LOGIN_FAILED');
    await user.addMobile('+4917000000001');
    await user.verifyMobile(registry.outbox.lastCode('+4917000000001', 'verify-mobile'));
    await registry.client.requestOtp('+4917000000001');
    const code = registry.outbox.lastCode('+4917000000001', 'login-otp');
    await registry.client.loginByOtp('+4917000000001', code);
  });

  it('D-R2: an OTP expires after 5 minutes and dies after 5 wrong attempts', async () => {
    const user = await registry.newUser();
    await user.addMobile('+4917000000002');
    await user.verifyMobile(registry.outbox.lastCode('+4917000000002', 'verify-mobile'));
    await registry.client.requestOtp('+4917000000002');
    const code = registry.outbox.lastCode('+4917000000002', 'login-otp');
    expect(code).toMatch(/^\d{6}$/);
    registry.clock.advance(5 * 60_000);
    await refused(registry.client.loginByOtp('+4917000000002', code), 'REGISTRY_LOGIN_FAILED');
    registry.clock.set('2025-06-04T08:00:00Z');
    await registry.client.requestOtp('+4917000000002');
    const fresh = registry.outbox.lastCode('+4917000000002', 'login-otp');
    const wrong = fresh === '000000' ? '000001' : '000000';
    // The expired try and four wrong ones are the mobile's five free attempts; then it waits 30 s.
    for (let i = 0; i < 4; i++)
      await refused(registry.client.loginByOtp('+4917000000002', wrong), 'REGISTRY_LOGIN_FAILED');
    await refused(registry.client.loginByOtp('+4917000000002', wrong), 'REGISTRY_RATE_LIMITED');
    registry.clock.advance(30_000);
    await refused(registry.client.loginByOtp('+4917000000002', wrong), 'REGISTRY_LOGIN_FAILED');
    registry.clock.advance(60_000);
    await refused(registry.client.loginByOtp('+4917000000002', fresh), 'REGISTRY_LOGIN_FAILED');
  });

  it('R-5: email change is pending until verified; password change needs the current one', async () => {
    const user = await registry.newUser();
    await user.call('PUT', '/me/email', { newEmail: 'renamed@example.com' });
    expect(await user.me()).toMatchObject({ email: user.email, pendingEmail: 'renamed@example.com' });
    await user.call('POST', '/me/email/verify', { code: registry.outbox.lastCode('renamed@example.com') });
    expect((await user.me()).email).toBe('renamed@example.com');
    await refused(
      user.call('PUT', '/me/password', { newPassword: 'another secret 1' }),
      'REGISTRY_WRONG_PASSWORD',
    );
    await refused(
      user.call('PUT', '/me/password', {
        currentPassword: 'bad password 1',
        newPassword: 'another secret 1',
      }),
      'REGISTRY_WRONG_PASSWORD',
    );
    await user.call('PUT', '/me/password', {
      currentPassword: 'correct horse 1',
      newPassword: 'another secret 1',
    });
    await registry.client.login('renamed@example.com', 'another secret 1');
  });

  it('R-6: details and addresses can be changed at any time', async () => {
    const user = await registry.newUser();
    await user.call('PATCH', '/me', { firstName: 'Ada', lastName: 'Lovelace' });
    const a = await user.addAddress({ name: 'Ada', line1: 'Main 1', city: 'Berlin', country: 'DE' });
    await user.call('PUT', `/me/addresses/${a.id}`, {
      name: 'Ada',
      line1: 'Main 2',
      city: 'Berlin',
      country: 'DE',
    });
    expect(await user.call('GET', '/me/addresses')).toEqual([
      { id: a.id, name: 'Ada', line1: 'Main 2', city: 'Berlin', country: 'DE' },
    ]);
    await user.call('DELETE', `/me/addresses/${a.id}`);
    expect(await user.call('GET', '/me/addresses')).toEqual([]);
    expect(await user.me()).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
  });

  it('R-7: marketing is opt-in, can be withdrawn and never covers tobacco sticks', async () => {
    const user = await registry.newUser();
    expect((await user.me()).marketing).toEqual({ optIn: false, topics: [] });
    const on = await user.call<{ topics: string[] }>('PUT', '/me/marketing', { optIn: true });
    expect(on.topics.length).toBeGreaterThan(0);
    expect(on.topics.join(' ')).not.toMatch(/tobacco|stick/);
    expect(await user.call('PUT', '/me/marketing', { optIn: false })).toEqual({ optIn: false, topics: [] });
  });

  it('R-8: deletion is confirmed once and immediate', async () => {
    const user = await registry.newUser();
    await refused(user.call('DELETE', '/me', { confirm: false }), 'REGISTRY_CONFIRM_REQUIRED');
    await user.deleteAccount();
    await refused(user.me(), 'REGISTRY_UNAUTHENTICATED');
    await refused(registry.client.login(user.email, 'correct horse 1'), 'REGISTRY_LOGIN_FAILED');
  });

  it('D-R3: deletion erases personal data and releases devices', async () => {
    const user = await registry.newUser({ firstName: 'Zed' });
    await user.registerDevice(deviceIdOf(901));
    await user.inquiry('Where do I find the cleaning tool for my holder?');
    await user.deleteAccount();
    const accounts = await registry.client.call<{ email: string }[]>('GET', '/_test/accounts');
    expect(accounts.some((a) => a.email === user.email)).toBe(false);
    const devices = await registry.client.call<{ deviceId: string; registered: boolean }[]>(
      'GET',
      '/_test/devices',
    );
    expect(devices.find((d) => d.deviceId === deviceIdOf(901))?.registered).toBe(false);
  });

  it('rate limits answer 429 problem+json on login, OTP and code routes', async () => {
    const limited = await createRegistry({ rateLimit: { max: 2, timeWindowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (await limited.client.raw('POST', '/auth/login', { email: 'x@example.com', password: 'p' })).status,
        );
      const last = await limited.client.raw('POST', '/auth/login', { email: 'x@example.com', password: 'p' });
      expect(statuses.slice(0, 2)).toEqual([401, 401]);
      expect(last.status).toBe(429);
      expect(last.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((last.body as { code: string }).code).toBe('REGISTRY_RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});
