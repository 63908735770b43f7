import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The shared core speaks domain names only: wire fields, ARN prefixes and HTTP statuses belong to the dialects. */
const CORE_DIRS = ['src/core', 'src/store', 'src/codec'];
const FORBIDDEN = [
  /CodeSha256/, /codeChecksum/, /LayerVersionArn/, /LayerArn/, /acs:fc/, /arn:aws/, /x-amzn/i, /x-fc-/i, /x-oss-/i,
  /\bstatus(Code)?\s*[:=]\s*[1-5]\d\d\b/, /\breply\b/, /from 'fastify'/, /routes\//,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('core boundary', () => {
  it('core: no wire names, ARNs, HTTP statuses or dialect imports in src/core, src/store, src/codec', () => {
    const hits: string[] = [];
    for (const file of CORE_DIRS.flatMap(files)) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        for (const re of FORBIDDEN) if (re.test(line)) hits.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('core: the dialects never import each other', () => {
    const dialects = readdirSync('src/routes').filter((d) => statSync(join('src/routes', d)).isDirectory());
    const hits: string[] = [];
    for (const d of dialects) {
      for (const file of files(join('src/routes', d))) {
        for (const other of dialects.filter((o) => o !== d)) {
          if (new RegExp(`from '\\.\\./${other}/`).test(readFileSync(file, 'utf8'))) hits.push(`${file} imports ${other}`);
        }
      }
    }
    expect(hits).toEqual([]);
  });
});
