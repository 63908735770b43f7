#!/usr/bin/env node
/**
 * Builds dist/ from src/: each TypeScript file is transpiled on its own by esbuild (the sources are written for
 * that: isolatedModules, verbatimModuleSyntax), and other files (the console's page, say) are copied. Only what
 * changed since the last build is redone, so `npm start` on a built checkout starts at once. Types are checked by
 * `npm run typecheck` (CI runs it), not here. `--declarations` also writes the .d.ts files of the in-process API
 * (tsc; used when packing).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

const outputOf = (file) => join(dist, relative(src, file).replace(/\.ts$/, '.js'));
const newer = (a, b) => !existsSync(b) || statSync(a).mtimeMs > statSync(b).mtimeMs;

const sources = [...walk(src)];
const expected = new Set();
const stale = [];
for (const file of sources) {
  const out = outputOf(file);
  expected.add(out);
  if (file.endsWith('.ts')) {
    expected.add(`${out}.map`);
    if (newer(file, out)) stale.push(file);
  } else if (newer(file, out)) {
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(file, out);
  }
}
if (stale.length > 0) {
  await build({
    entryPoints: stale, outdir: dist, outbase: src, format: 'esm', platform: 'node', target: 'node20',
    sourcemap: true, bundle: false, logLevel: 'warning',
  });
}
// Outputs whose source is gone (a renamed or deleted file) must not linger and be imported.
if (existsSync(dist)) {
  for (const file of walk(dist)) {
    if (!expected.has(file) && !file.endsWith('.d.ts') && !file.endsWith('.d.ts.map')) rmSync(file);
  }
}
if (process.argv.includes('--declarations')) {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--emitDeclarationOnly', '--declaration'], { stdio: 'inherit' });
}
if (stale.length > 0) console.error(`build: ${stale.length} of ${sources.filter((f) => f.endsWith('.ts')).length} sources compiled`);
