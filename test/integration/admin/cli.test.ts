/**
 * The `strata` command and the in-process API: `--help` lists every setting with its default (and the README's
 * table lists them too), `startStrata()` serves on a free port with a data directory of its own, and the packed
 * tarball runs with `npx ./strata-<version>.tgz` from an empty folder, as a new user would start it.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../../src/config.js';
import { startStrata } from '../../../src/index.js';
import { lambdaClient, publish } from '../../helpers/aws.js';
import { freePort } from '../../helpers/process.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
});

describe('strata --help', () => {
  it('strata: --help lists every setting as a flag, with its variable and default', async () => {
    const { stdout } = await run(process.execPath, ['bin/strata.js', '--help'], { cwd: ROOT });
    expect(stdout).toMatch(/^strata: a local emulator/);
    for (const key of CONFIG_KEYS) {
      const flag = `--${key.replace(/^STRATA_/, '').toLowerCase().replace(/_/g, '-')}`;
      expect(stdout, key).toMatch(new RegExp(`^  ${flag} <value> +\\S.*\\n +${key}, default \\S`, 'm'));
    }
    expect(stdout).toContain('\n  --data-dir <value>');
    expect(stdout).toContain('STRATA_DATA_DIR, default ./.strata');
    expect(stdout).toContain('STRATA_PORT, default 4588');
  });

  it('strata: the README configuration table names every setting', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    for (const key of CONFIG_KEYS) expect(readme, key).toContain(`| \`${key}\``);
  });

  it('strata: an unknown flag exits 2 and points at --help', async () => {
    const err = await run(process.execPath, ['bin/strata.js', '--no-such-flag', 'x'], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toBe("strata: unknown flag '--no-such-flag'\n(strata --help lists every setting)\n");
  });
});

describe('startStrata', () => {
  it('startStrata: serves on a free port with a data directory of its own, removed on stop', async () => {
    const strata = await startStrata({ port: 0, awsAccountId: '123123123123' });
    const lambda = lambdaClient(strata.url, { accessKeyId: 'not-an-account' });
    const out = await publish(lambda, 'in-process');
    expect(out.LayerArn).toBe('arn:aws:lambda:us-east-1:123123123123:layer:in-process');
    expect((await strata.reset()).versions).toBe(1);
    lambda.destroy();
    expect(existsSync(strata.dataDir)).toBe(true);
    await strata.stop();
    expect(existsSync(strata.dataDir)).toBe(false);
  });

  it('startStrata: a data directory given is kept after stop', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'strata-api-'));
    dirs.push(dataDir);
    const strata = await startStrata({ dataDir });
    await strata.stop();
    expect(existsSync(join(dataDir, 'strata.sqlite'))).toBe(true);
  });

  it('startStrata: a port in use is refused, and the data directory is free for the next start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'strata-api-'));
    dirs.push(dataDir);
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as AddressInfo;
    await expect(startStrata({ dataDir, host: '127.0.0.1', port })).rejects.toThrow(/EADDRINUSE/);
    taken.close();
    // A start that kept the data directory's lock would make this one wait for it, then refuse (DataDirInUse).
    const strata = await startStrata({ dataDir, port: 0 });
    await strata.stop();
  });

  it('startStrata: an unknown option is refused with its name', async () => {
    await expect(startStrata({ colour: 'blue' })).rejects.toThrow(
      "startStrata: unknown option 'colour' (options are the settings of strata --help, in camelCase)",
    );
  });
});

describe('npx ./strata-<version>.tgz', () => {
  // Installing the tarball compiles better-sqlite3 when no prebuilt binary can be fetched (none can from here).
  it('strata: the packed tarball runs with npx from an empty folder and serves, its console too', async () => {
    const work = await mkdtemp(join(tmpdir(), 'strata-npx-'));
    dirs.push(work);
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    await run('npm', ['pack', '--pack-destination', work], { cwd: ROOT, maxBuffer: 1 << 24 });
    const port = await freePort();
    const nodedir = dirname(dirname(process.execPath));
    const child = spawn('npx', ['--yes', `./strata-${version}.tgz`, '--port', String(port), '--data-dir', join(work, 'data')], {
      cwd: work,
      env: { ...process.env, ...(existsSync(join(nodedir, 'include/node/node.h')) && { npm_config_nodedir: nodedir }) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const deadline = Date.now() + 14 * 60_000;
      let health: Response | undefined;
      while (Date.now() < deadline && child.exitCode === null) {
        health = await fetch(`http://127.0.0.1:${port}/_strata/health`).catch(() => undefined);
        if (health?.ok) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(health?.status, out).toBe(200);
      const lambda = lambdaClient(`http://127.0.0.1:${port}`);
      expect((await publish(lambda, 'from-npx')).Version).toBe(1);
      lambda.destroy();
      // The console's page and scripts come with the package.
      const page = await fetch(`http://127.0.0.1:${port}/_strata/console/`);
      expect([page.status, (await page.text()).includes('<title>Strata console</title>')]).toEqual([200, true]);
      expect((await fetch(`http://127.0.0.1:${port}/_strata/console/app.js`)).status).toBe(200);
      expect(out).toContain(`strata: listening on http://127.0.0.1:${port}`);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }, 15 * 60_000);
});
