/** Device, warranty, benefit, assistance and care rules through the HTTP API, named by rule id. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../testing/index.js';
import { deviceIdOf, refused, relogin } from './registration-helpers.js';

let registry: Registry;
let n = 100;
const nextId = () => deviceIdOf(n++);
const hotel = { name: 'Hotel', line1: 'Main 1', city: 'Paris', country: 'FR' };
beforeAll(async () => {
  registry = await createRegistry();
});
beforeEach(() => registry.clock.set('2025-06-04T08:00:00Z')); // Wednesday
afterAll(() => registry.close());

describe('devices over HTTP', () => {
  it('R-9: register by ID (typed forgivingly), several per account, also at sign-up', async () => {
    const user = await registry.newUser();
    const a = nextId();
    expect(
      await user.registerDevice(
        a
          .toLowerCase()
          .replace(/(.{4})/g, '$1 ')
          .trim(),
      ),
    ).toMatchObject({ deviceId: a, newlyRegistered: true });
    await user.registerDevice(nextId());
    expect(await user.devices()).toHaveLength(2);
    const atSignUp = nextId();
    await registry.client.signUp({
      email: 'signup-device@example.com',
      password: 'secret garden 123',
      dateOfBirth: '1990-01-01',
      country: 'DE',
      deviceId: atSignUp,
    });
    const verified = await registry.client.verify({
      email: 'signup-device@example.com',
      code: registry.outbox.lastCode('signup-device@example.com'),
    });
    expect(verified.device).toMatchObject({ deviceId: atSignUp, newlyRegistered: true, source: 'sign-up' });
    await refused(user.registerDevice('X123'), 'REGISTRY_BAD_REQUEST');
  });

  it('R-10: the profile shows the device number and its QR label; QR labels decode', async () => {
    const user = await registry.newUser();
    const id = nextId();
    await user.registerDevice(id);
    const view = await user.device(id);
    expect(view).toMatchObject({ deviceId: id });
    expect((await registry.client.call('POST', '/device-ids/qr', { qr: view.qr })).deviceId).toBe(id);
    await refused(registry.client.call('POST', '/device-ids/qr', { qr: `${view.qr}X` }), 'REGISTRY_BAD_QR');
    const other = await registry.newUser();
    await refused(other.device(id), 'REGISTRY_NOT_FOUND'); // ownership
  });

  it('R-11: a shop purchase registers the device to the buyer when it ships', async () => {
    const user = await registry.newUser();
    const id = nextId();
    const order = await user.call<{ orderId: string }>('POST', '/shop/orders', {
      deviceId: id,
      purchaseDate: '2025-06-01',
    });
    expect(await user.devices()).toHaveLength(0);
    const shipped = await registry.client.call('POST', `/_test/orders/${order.orderId}/ship`, {});
    expect(shipped).toMatchObject({ status: 'shipped', registration: { deviceId: id, source: 'shop' } });
    expect((await user.device(id)).purchaseDate).toBe('2025-06-01');
    await refused(
      registry.client.call('POST', `/_test/orders/${order.orderId}/ship`, {}),
      'REGISTRY_ORDER_STATE',
    );
  });

  it('R-12: pairing registers an unregistered device; the list has devices never paired', async () => {
    const user = await registry.newUser();
    const manual = nextId();
    await user.registerDevice(manual);
    const paired = await user.pairDevice(nextId(), 'iluma-i');
    expect(paired).toMatchObject({ newlyRegistered: true, source: 'pairing' });
    expect((await user.devices()).map((d) => d.deviceId)).toContain(manual);
  });

  it('R-13: the offer once per new customer, not after delete-and-recreate, not for a device registered before', async () => {
    const first = await registry.newUser({ email: 'offer@example.com' });
    expect((await first.registerDevice(nextId())).offer.granted).toBe(true);
    expect((await first.registerDevice(nextId())).offer.granted).toBe(false);
    await first.deleteAccount();
    const again = await registry.newUser({ email: 'offer@example.com' });
    expect((await again.registerDevice(nextId())).offer.granted).toBe(false);
    const used = nextId();
    const owner = await registry.newUser();
    await owner.registerDevice(used);
    await owner.deleteAccount();
    const fresh = await registry.newUser();
    expect((await fresh.registerDevice(used)).offer).toEqual({
      granted: false,
      reason: 'the device was registered before',
    });
  });

  it('D-R5: two accounts registering one device at once: exactly one wins, the other a typed conflict', async () => {
    const [a, b] = [await registry.newUser(), await registry.newUser()];
    const id = nextId();
    const results = await Promise.allSettled([
      a.registerDevice(id),
      b.registerDevice(id),
      a.pairDevice(id),
      b.pairDevice(id),
    ]);
    const codes = results.map((r) =>
      r.status === 'fulfilled'
        ? r.value.newlyRegistered
          ? 'won'
          : 'mine'
        : (r.reason as { code: string }).code,
    );
    expect(codes.filter((c) => c === 'won')).toHaveLength(1);
    expect(codes.filter((c) => c === 'REGISTRY_DEVICE_UNAVAILABLE')).toHaveLength(2);
  });

  it('R-14: money back within 60 days of purchase, registered devices only', async () => {
    const user = await registry.newUser();
    const id = nextId();
    await user.registerDevice(id, { purchaseDate: '2025-04-06' });
    registry.clock.set('2025-06-05T08:00:00Z'); // day 61
    await refused(
      user.call('POST', `/devices/${id}/money-back`, { confirm: true }),
      'REGISTRY_MONEY_BACK_EXPIRED',
    );
    registry.clock.set('2025-06-04T08:00:00Z'); // day 60
    expect(await user.call('POST', `/devices/${id}/money-back`, { confirm: true })).toMatchObject({
      kind: 'money-back',
    });
    await refused(
      user.call('POST', `/devices/${nextId()}/money-back`, { confirm: true }),
      'REGISTRY_NOT_FOUND',
    );
  });

  it('R-15: warranty replaces defects for 12 months from purchase; cosmetic only if it affects function', async () => {
    const user = await registry.newUser();
    const id = nextId();
    await user.registerDevice(id, { purchaseDate: '2024-06-04' });
    await refused(
      user.warrantyClaim(id, { kind: 'defect', description: 'no heat' }),
      'REGISTRY_WARRANTY_EXPIRED',
    );
    registry.clock.set('2025-06-03T12:00:00Z');
    await refused(
      user.warrantyClaim(id, { kind: 'cosmetic', description: 'scratch' }),
      'REGISTRY_COSMETIC_NOT_COVERED',
    );
    expect(
      await user.warrantyClaim(id, { kind: 'cosmetic', affectsFunction: true, description: 'cracked lid' }),
    ).toMatchObject({ outcome: 'replacement' });
  });

  it('R-16: rapid replacement in warranty, with a promised delivery', async () => {
    const user = await registry.newUser();
    const id = nextId();
    await user.registerDevice(id);
    const address = await user.addAddress({ name: 'A', line1: 'B 1', city: 'Berlin', country: 'DE' });
    const order = await user.call('POST', `/devices/${id}/rapid-replacement`, { addressId: address.id });
    expect(order.promisedDeliveryDate).toBe('2025-06-05');
  });

  it('R-17, R-18: the program is activated per registered unit and lists its benefits', async () => {
    const user = await registry.newUser();
    const id = nextId();
    await user.registerDevice(id);
    expect((await user.device(id)).program).toMatchObject({ status: 'not-activated' });
    const program = await user.activateProgram(id, 'DE');
    expect(program).toMatchObject({ status: 'active', country: 'DE' });
    expect(program.benefits).toEqual(
      expect.arrayContaining([
        'accidental-damage-coverage',
        'international-assistance',
        'accessories-discount-10-percent',
      ]),
    );
  });

  it('R-19: one accidental claim per unit within 12 months of registration', async () => {
    const user = await registry.newUser();
    const id = nextId();
    await user.registerDevice(id);
    await user.activateProgram(id, 'DE');
    registry.clock.set('2026-06-04T08:00:00Z');
    const later = await relogin(registry, user);
    await refused(
      later.accidentalClaim(id, { replacement: 'partial', description: 'dropped' }),
      'REGISTRY_PROGRAM_EXPIRED',
    );
    registry.clock.set('2026-06-03T08:00:00Z');
    await later.accidentalClaim(id, { replacement: 'partial', description: 'dropped' });
    await refused(
      later.accidentalClaim(id, { replacement: 'partial', description: 'dropped' }),
      'REGISTRY_CLAIM_USED',
    );
  });

  it('R-20: the program runs 12 months from the latest purchase', async () => {
    const user = await registry.newUser();
    const id = nextId();
    await user.registerDevice(id, { purchaseDate: '2024-06-05' });
    await user.activateProgram(id, 'DE');
    registry.clock.set('2025-06-05T08:00:00Z');
    expect((await user.device(id)).program.status).toBe('ended');
    await refused(
      user.accidentalClaim(id, { replacement: 'partial', description: 'x' }),
      'REGISTRY_PROGRAM_EXPIRED',
    );
  });

  it('R-21: the program is valid in the country applied for and not transferable', async () => {
    const user = await registry.newUser({ country: 'DE' });
    const id = nextId();
    await user.registerDevice(id);
    expect(await user.activateProgram(id, 'AT')).toMatchObject({ country: 'AT' });
    await user.deleteAccount();
    const next = await registry.newUser();
    await next.registerDevice(id);
    expect((await next.device(id)).program.status).toBe('not-activated');
  });

  it('R-22: International Assistance abroad in a covered country only', async () => {
    const user = await registry.newUser({ country: 'DE' });
    const id = nextId();
    await user.registerDevice(id);
    await user.internationalAssistance({
      deviceId: id,
      currentCountry: 'JP',
      temporaryAddress: { ...hotel, country: 'JP' },
      problem: 'no heat',
    });
    await refused(
      user.internationalAssistance({
        deviceId: id,
        currentCountry: 'US',
        temporaryAddress: { ...hotel, country: 'US' },
        problem: 'no heat',
      }),
      'REGISTRY_IA_NOT_COVERED',
    );
  });

  it('R-23: unregistered users and devices are told to register first', async () => {
    const body = { deviceId: nextId(), currentCountry: 'FR', temporaryAddress: hotel, problem: 'no heat' };
    const e = await refused(registry.client.internationalAssistance(body), 'REGISTRY_REGISTER_FIRST');
    expect(e.detail).toMatch(/register/i);
    const user = await registry.newUser();
    await refused(user.internationalAssistance(body), 'REGISTRY_REGISTER_FIRST');
  });

  it('R-24: the replacement ships within 1–4 business days with the keep-component flag', async () => {
    registry.clock.set('2025-06-06T10:00:00Z'); // Friday
    const user = await registry.newUser({ country: 'JP' });
    const id = nextId();
    await user.registerDevice(id);
    const grant = await user.internationalAssistance({
      deviceId: id,
      currentCountry: 'FR',
      temporaryAddress: hotel,
      problem: 'no heat',
    });
    expect(grant).toMatchObject({
      shipEarliest: '2025-06-09',
      shipLatest: '2025-06-12',
      keepReplacedComponent: false,
      helpline: '+800 2559 2559',
    });
  });

  it('R-25: at home, the home customer service handles exchanges', async () => {
    const user = await registry.newUser({ country: 'FR' });
    const id = nextId();
    await user.registerDevice(id);
    await refused(
      user.internationalAssistance({
        deviceId: id,
        currentCountry: 'FR',
        temporaryAddress: hotel,
        problem: 'x',
      }),
      'REGISTRY_IA_AT_HOME',
    );
  });
});

describe('customer care over HTTP', () => {
  it('R-26: the due time is 120 service minutes after receipt (Friday evening → Monday)', async () => {
    registry.clock.set('2025-06-06T16:30:00Z'); // Fri 21:30 Astana
    const user = await registry.newUser();
    expect(await user.inquiry('The charger light stays orange all night')).toMatchObject({
      status: 'queued',
      dueAt: '2025-06-09T06:30:00.000Z',
    });
  });

  it('R-27: health questions are referred to the phone line', async () => {
    const user = await registry.newUser();
    expect(await user.inquiry('Is it bad for my health to use it daily?')).toMatchObject({
      status: 'referred-to-phone',
      phone: '8 800 080 1221',
    });
  });

  it('R-28: illegible and coarse inquiries are refused; coarse language bans', async () => {
    const user = await registry.newUser();
    await refused(user.inquiry('qwrtz'), 'REGISTRY_CARE_ILLEGIBLE');
    await refused(user.inquiry('this shit does not work'), 'REGISTRY_CARE_COARSE');
    await refused(user.inquiry('this crap does not work'), 'REGISTRY_CARE_BANNED');
    await refused(user.inquiry('Polite question about my holder'), 'REGISTRY_CARE_BANNED');
  });

  it('R-29: an inquiry holds only the messenger profile', async () => {
    const user = await registry.newUser({ firstName: 'Ada', mobile: '+4917000000009' });
    const q = await user.inquiry('How do I clean the holder properly?');
    expect(q.profile).toEqual({ name: 'Ada', phone: '+4917000000009' });
  });

  it('R-30: correspondence is kept 3 years from the inquiry date, then purged', async () => {
    const user = await registry.newUser();
    await user.inquiry('How do I clean the holder properly?');
    registry.clock.set('2028-06-04T07:59:59.999Z');
    const later = await relogin(registry, user);
    expect(await later.call('GET', '/care/inquiries')).toHaveLength(1);
    registry.clock.set('2028-06-04T08:00:00Z');
    expect(await later.call('GET', '/care/inquiries')).toHaveLength(0);
  });
});
