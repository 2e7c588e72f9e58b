/**
 * `npm run build`: compiles with tsconfig.build.json into dist/, then deletes every file in dist/
 * that this compilation did not write (output of moved or deleted sources, source maps of older
 * builds), so `npm pack` ships exactly what the sources produce. Nothing is deleted when tsc fails:
 * a failed run may have written only part of the tree. Static files that are not TypeScript (the
 * dashboard page of transports/ui/assets/) are copied beside their compiled module.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listEmittedFiles'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const emitted = new Set();
for (const line of run.stdout.split('\n')) {
  if (line.startsWith('TSFILE: ')) emitted.add(resolve(line.slice('TSFILE: '.length).trim()));
  else if (line.trim() !== '') process.stdout.write(`${line}\n`);
}
process.stderr.write(run.stderr);
if (run.status !== 0) process.exit(run.status ?? 1);

/** Folders of static files, copied as they are from the sources into the same place in dist/. */
const STATIC_DIRS = ['transports/ui/assets'];
for (const dir of STATIC_DIRS) {
  mkdirSync(join(dist, dir), { recursive: true });
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const target = join(dist, dir, entry.name);
    copyFileSync(join(root, dir, entry.name), target);
    emitted.add(target);
  }
}

/** Deletes unwritten files below `dir`; returns whether `dir` is empty afterwards. */
function prune(dir) {
  let empty = true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (prune(path)) rmdirSync(path);
      else empty = false;
    } else if (emitted.has(path)) empty = false;
    else unlinkSync(path);
  }
  return empty;
}
if (emitted.size > 0) prune(dist);
