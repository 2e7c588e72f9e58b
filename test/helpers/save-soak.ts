/**
 * The state-save soak (issue 10 item 8): a child process saves a device snapshot in a loop
 * (test/fixtures/save-loop.mjs) and is killed with SIGKILL at a seeded moment, again and again. After
 * every kill the file must parse, pass the deep check and restore (no torn or half-written target),
 * and the next start must have swept the temp files earlier kills left, so at most the one of the
 * last kill is there; after the final start none is.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVirtualDevice, SeededRandom } from '../../simulator/index.js';
import { isSnapshotTempFile, loadSnapshot, saveSnapshotAtomic } from '../../transports/index.js';
import { ensureBuiltCli, ROOT } from './built-cli.js';

export interface SoakResult {
  kills: number;
  corrupt: number;
  unrestorable: number;
  /** Most temp files seen after any kill (1: only that kill's own). */
  mostTempFiles: number;
  /** Temp files left after one more (unkilled) start. */
  tempFilesAtEnd: number;
}

/** Spawns the save loop and kills it `delayMs` after its first save (real time: a kill lands mid-save). */
function killOneSaver(path: string, seed: number, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'test/fixtures/save-loop.mjs'), path, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.once('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`saver exited ${code}: ${stderr}`)),
    );
  });
}

/**
 * `kills` SIGKILLs spread over `lanes` files saved in parallel (each lane its own directory, one
 * saver at a time): a child takes most of a second to load the library, so lanes keep the soak short.
 */
export async function saveSoak(kills: number, seed: number, lanes = 2): Promise<SoakResult> {
  if (!ensureBuiltCli()) throw new Error('no dist/: npm run build');
  const results = await Promise.all(
    Array.from({ length: lanes }, (_, lane) =>
      soakLane(Math.floor(kills / lanes) + (lane < kills % lanes ? 1 : 0), seed + lane),
    ),
  );
  return {
    kills,
    corrupt: results.reduce((n, r) => n + r.corrupt, 0),
    unrestorable: results.reduce((n, r) => n + r.unrestorable, 0),
    mostTempFiles: Math.max(...results.map((r) => r.mostTempFiles)),
    tempFilesAtEnd: results.reduce((n, r) => n + r.tempFilesAtEnd, 0),
  };
}

async function soakLane(kills: number, seed: number): Promise<SoakResult> {
  const dir = mkdtempSync(join(tmpdir(), 'iqsim-save-soak-'));
  const path = join(dir, 'device.json');
  const random = new SeededRandom(seed);
  const temps = () => readdirSync(dir).filter((name) => isSnapshotTempFile(name, path)).length;
  const result: SoakResult = { kills, corrupt: 0, unrestorable: 0, mostTempFiles: 0, tempFilesAtEnd: 0 };
  try {
    for (let i = 0; i < kills; i++) {
      await killOneSaver(path, i + 1, random.int(30));
      result.mostTempFiles = Math.max(result.mostTempFiles, temps());
      let snapshot: ReturnType<typeof loadSnapshot>;
      try {
        snapshot = loadSnapshot(path);
      } catch {
        result.corrupt++;
        continue;
      }
      try {
        createVirtualDevice({ model: snapshot.model, snapshot });
      } catch {
        result.unrestorable++;
      }
    }
    // The next start: its first save sweeps what the killed ones left.
    if (kills > 0) saveSnapshotAtomic(path, loadSnapshot(path));
    result.tempFilesAtEnd = temps();
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
