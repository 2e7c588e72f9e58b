/**
 * The libSQL store: migrations, WAL, serialised transactions across connections, and SIGKILL of a
 * server mid-way through registrations (no committed registration lost, no half-made one).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { type Account, type Context, devicesService, RegistryError } from '../registration/index.js';
import { LibsqlStore, MIGRATIONS, ServiceClock, storeContext } from '../registration/server/index.js';
import { RegistryClient } from '../testing/index.js';
import { ensureBuiltCli, MAIN } from './helpers/built-cli.js';
import { deviceIdOf } from './registration-helpers.js';

const dirs: string[] = [];
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'iqsim-registry-'));
  dirs.push(dir);
  return join(dir, 'registry.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const account = (id: string, email: string): Account => ({
  id,
  email,
  emailVerified: true,
  dateOfBirth: '1990-01-01',
  country: 'DE',
  mobileVerified: false,
  addresses: [],
  marketingOptIn: false,
  createdAtMs: 0,
  careCoarseCount: 0,
  careBanned: false,
});

const contextOf = (store: LibsqlStore): Context =>
  storeContext(store, { clock: new ServiceClock(true, Date.UTC(2025, 5, 4)), testMode: true });

describe('libSQL store', () => {
  it('migrates once, records the version and runs in WAL mode', async () => {
    const path = tempDb();
    const store = await LibsqlStore.open({ path });
    expect(await store.version()).toBe(MIGRATIONS.at(-1)?.version);
    expect(store.query('PRAGMA journal_mode')[0]?.journal_mode).toBe('wal');
    await store.close();
    const again = await LibsqlStore.open({ path });
    expect(again.query('SELECT count(*) AS n FROM schema_migrations')[0]?.n).toBe(MIGRATIONS.length);
    await again.close();
  });

  it('D-R5: two connections registering one device at once: exactly one wins, the other a typed conflict', async () => {
    const path = tempDb();
    const [a, b] = [await LibsqlStore.open({ path }), await LibsqlStore.open({ path })];
    const [ada, bob] = [account('ada', 'ada@example.com'), account('bob', 'bob@example.com')];
    await a.transaction((tx) => tx.putAccount(ada));
    await a.transaction((tx) => tx.putAccount(bob));
    const id = deviceIdOf(42);
    const results = await Promise.allSettled([
      devicesService.register(contextOf(a), ada, { deviceId: id }, 'manual'),
      devicesService.register(contextOf(b), bob, { deviceId: id }, 'manual'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(RegistryError);
    expect((lost.reason as RegistryError).code).toBe('REGISTRY_DEVICE_UNAVAILABLE');
    await Promise.all([a.close(), b.close()]);
  });

  it('a failed transaction leaves nothing behind', async () => {
    const store = await LibsqlStore.open();
    await expect(
      store.transaction(async (tx) => {
        await tx.putAccount(account('x', 'x@example.com'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.transaction((tx) => tx.account('x'))).toBeUndefined();
    await store.close();
  });

  it('SIGKILL mid-way through registrations loses no committed registration and leaves no half-made one', async () => {
    expect(ensureBuiltCli()).toBe(true);
    const path = tempDb();
    const child = spawn(
      process.execPath,
      // One account registers them all: above the default cap of 20 devices.
      [
        MAIN,
        'registry',
        'serve',
        '--db',
        path,
        '--port',
        '0',
        '--test-mode',
        '--max-devices',
        '1000',
        '--json',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const first = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    );
    const { url } = JSON.parse(first) as { url: string };
    const api = new RegistryClient(url);
    await api.signUp({
      email: 'kill@example.com',
      password: 'secret garden 123',
      dateOfBirth: '1990-01-01',
      country: 'DE',
    });
    const outbox = await api.call<{ code: string }[]>('GET', '/_test/outbox?to=kill@example.com');
    await api.verify({ email: 'kill@example.com', code: (outbox.at(-1) as { code: string }).code });
    const user = api.as((await api.login('kill@example.com', 'secret garden 123')).token);

    const acknowledged: string[] = [];
    let next = 0;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const worker = async () => {
      for (;;) {
        const id = deviceIdOf(1000 + next++);
        try {
          const r = await user.raw('POST', '/devices', { deviceId: id });
          if (r.status === 201) acknowledged.push(id);
        } catch {
          return; // the server is gone
        }
        if (acknowledged.length === 40 && !child.killed) child.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    await exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    const store = await LibsqlStore.open({ path });
    expect(store.query('PRAGMA integrity_check')[0]?.integrity_check).toBe('ok');
    const devices = await store.transaction((tx) => tx.devices(100_000));
    const stored = new Set(devices.map((d) => d.deviceId));
    for (const id of acknowledged) expect(stored.has(id), id).toBe(true);
    for (const d of devices) {
      expect(d.accountId).toBeDefined();
      expect(d.registeredAtMs).toBeDefined();
      expect(d.firstRegisteredAtMs).toBeDefined();
      expect(d.purchaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(store.query('SELECT count(*) AS n FROM customers')[0]?.n).toBe(devices.length > 0 ? 1 : 0);
    await store.close();
  });
});
