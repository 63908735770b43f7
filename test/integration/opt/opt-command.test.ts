/**
 * `strata opt`, run as users run it (the built bin in a process of its own): from a running Strata (--url) and straight
 * from a data directory (--data-dir), the same tree, compared file by file with the overlay; refusals in the cloud's
 * words with exit 1; a data directory in use is refused with the holder's address; plain `strata` still serves.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStrata, type RunningStrata } from '../../../src/index.js';
import { backendEnv, BACKEND } from '../../helpers/app.js';
import { lambdaClient, publish, uniqueName } from '../../helpers/aws.js';
import { acsArn, create23, fc23 } from '../../helpers/fc.js';
import { freePort, ready } from '../../helpers/process.js';
import { treeOf } from '../../helpers/zip-read.js';
import { makeTreeZip } from '../../helpers/zips.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const exec = promisify(execFile);

/** `strata opt …` with the built bin; its exit code and output, whatever the code. */
async function strataOpt(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['bin/strata.js', 'opt', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const EXPECTED_AWS = {
  bin: 'd 755',
  'bin/run': 'f 755 #!/bin/sh\necho two\n',
  python: 'd 755',
  'python/common.py': 'f 644 VERSION = 2\n',
  'python/first.py': 'f 600 A\n',
  'python/second.py': 'f 644 B\n',
  'python/link.py': 'l -> common.py',
};

describe(`strata opt (${BACKEND})`, () => {
  let dataDir: string;
  let strata: RunningStrata;
  let work: string;
  const arns: string[] = [];
  let fcArns: string[] = [];
  /** The blob backend's settings (a MinIO bucket of its own), the same for every start and --data-dir run. */
  let backend: Record<string, string>;

  beforeAll(async () => {
    await exec(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
    work = await mkdtemp(join(tmpdir(), 'strata-opt-cmd-'));
    dataDir = join(work, 'data');
    backend = await backendEnv();
    strata = await startStrata({ dataDir, logLevel: 'silent', ...backend });
    const lambda = lambdaClient(strata.url);
    const first = await makeTreeZip([
      { name: 'python/common.py', data: 'VERSION = 1\n' },
      { name: 'python/first.py', data: 'A\n', mode: 0o600 },
      { name: 'bin/run', data: '#!/bin/sh\necho one\n', mode: 0o755 },
    ]);
    const second = await makeTreeZip([
      { name: 'python/common.py', data: 'VERSION = 2\n' },
      { name: 'python/second.py', data: 'B\n' },
      { name: 'python/link.py', symlink: 'common.py' },
      { name: 'bin/run', data: '#!/bin/sh\necho two\n', mode: 0o755 },
    ]);
    for (const zip of [first, second]) arns.push((await publish(lambda, uniqueName('cmd'), { Content: { ZipFile: zip } })).LayerVersionArn!);
    lambda.destroy();
    const fc = fc23(strata.url);
    const names = [uniqueName('cmd'), uniqueName('cmd')];
    await create23(fc, names[0]!, first, { compatibleRuntime: ['python3.10'] });
    await create23(fc, names[1]!, second, { compatibleRuntime: ['python3.10'] });
    fcArns = names.map((n) => acsArn(n, 1));
  }, 120_000);
  afterAll(async () => {
    await strata?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('strata opt --url: unpacks the layers from a running Strata, a later AWS layer\'s files winning, modes and links kept', async () => {
    const into = join(work, 'from-url');
    const out = await strataOpt(['--url', strata.url, '--arn', arns[0]!, '--arn', arns[1]!, '--into', into]);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toBe(`strata opt: 2 layers unpacked into ${into}: 4 files, 2 folders, 1 symbolic links, 35 bytes\n`);
    expect(await treeOf(into)).toEqual(EXPECTED_AWS);
  });

  it('strata opt: FC layers keep the first configured layer\'s files; --arn takes comma-separated lists', async () => {
    const into = join(work, 'fc-url');
    const out = await strataOpt(['--url', strata.url, '--arn', fcArns.join(','), '--runtime', 'python3.10', '--into', into]);
    expect(out.code).toBe(0);
    expect(await treeOf(into)).toEqual({
      ...EXPECTED_AWS,
      'bin/run': 'f 755 #!/bin/sh\necho one\n',
      'python/common.py': 'f 644 VERSION = 1\n',
    });
  });

  it("strata opt: a refusal is the cloud's error, exit 1, nothing written", async () => {
    const into = join(work, 'refused');
    const aws = await strataOpt(['--url', strata.url, ...arns.flatMap((a) => ['--arn', a, '--arn', a, '--arn', a]), '--into', into]);
    expect(aws).toMatchObject({ code: 1, stdout: '', stderr: 'strata opt: InvalidParameterValueException: Cannot reference more than 5 layers.\n' });
    const fc = await strataOpt(['--url', strata.url, '--arn', fcArns[0]!, '--runtime', 'nodejs20', '--into', into]);
    expect(fc).toMatchObject({ code: 1, stderr: `strata opt: InvalidArgument: runtime: nodejs20 is not supported by layer:${fcArns[0]}\n` });
    await expect(treeOf(into)).rejects.toThrow(/ENOENT/);
  });

  it('strata opt: a folder that is not empty is refused without --replace and replaced with it', async () => {
    const into = join(work, 'full');
    await mkdir(into);
    await writeFile(join(into, 'stale.txt'), 'old');
    const refused = await strataOpt(['--url', strata.url, '--arn', arns[0]!, '--into', into]);
    expect(refused).toMatchObject({ code: 1, stderr: `strata opt: ${into} is not empty: give an empty folder, or replace what it holds with --replace\n` });
    expect(await treeOf(into)).toEqual({ 'stale.txt': 'f 644 old' });
    expect((await strataOpt(['--url', strata.url, '--arn', arns.join(','), '--into', into, '--replace'])).code).toBe(0);
    expect(await treeOf(into)).toEqual(EXPECTED_AWS);
  });

  it('strata opt: a data directory in use is refused (exit 3), naming the running Strata to use with --url', async () => {
    const out = await strataOpt(['--data-dir', dataDir, '--arn', arns[0]!, '--into', join(work, 'locked')]);
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/^strata opt: the data directory .* is in use by another Strata .*Take the layers from it instead: --url http:\/\/127\.0\.0\.1:\d+\n$/s);
  });

  it('strata opt --data-dir: the same tree straight from the data directory, once no Strata runs on it', async () => {
    await strata.stop();
    try {
      const into = join(work, 'from-dir');
      const out = await strataOpt(['--data-dir', dataDir, '--arn', arns[0]!, '--arn', arns[1]!, '--into', into], backend);
      expect(out).toMatchObject({ code: 0, stderr: '' });
      expect(await treeOf(into)).toEqual(EXPECTED_AWS);
      expect(await treeOf(into)).toEqual(await treeOf(join(work, 'from-url')));
      const refused = await strataOpt(['--data-dir', dataDir, '--arn', `${arns[0]!.replace(/:1$/, ':7')}`, '--into', join(work, 'none')], backend);
      expect(refused).toMatchObject({ code: 1, stderr: `strata opt: InvalidParameterValueException: Layer version ${arns[0]!.replace(/:1$/, ':7')} does not exist.\n` });
    } finally {
      strata = await startStrata({ dataDir, logLevel: 'silent', ...backend });
    }
  });

  it('strata opt: a layer whose symbolic link leads out of the folder is refused, nothing written', async () => {
    const lambda = lambdaClient(strata.url);
    const zip = await makeTreeZip([{ name: 'python/ok.py', data: 'ok' }, { name: 'python/passwd', symlink: '../../../etc/passwd' }]);
    const arn = (await publish(lambda, uniqueName('evil'), { Content: { ZipFile: zip } })).LayerVersionArn!;
    lambda.destroy();
    const into = join(work, 'evil');
    const out = await strataOpt(['--url', strata.url, '--arn', arn, '--into', into]);
    expect(out).toMatchObject({ code: 1, stderr: "strata opt: refused: the link 'python/passwd' points to '../../../etc/passwd', outside the folder\n" });
    await expect(treeOf(into)).rejects.toThrow(/ENOENT/);
  });

  it('strata opt: a Strata with an admin token serves the merged /opt only with it, which STRATA_ADMIN_TOKEN gives', async () => {
    const token = 'opt-admin-token-0123456789';
    const guarded = await startStrata({ adminToken: token, logLevel: 'silent', ...backend });
    try {
      const lambda = lambdaClient(guarded.url);
      const arn = (await publish(lambda, uniqueName('guarded'))).LayerVersionArn!;
      lambda.destroy();
      const res = await fetch(`${guarded.url}/_strata/opt?arn=${encodeURIComponent(arn)}`);
      expect([res.status, res.headers.get('www-authenticate'), await res.json()]).toEqual([
        401, 'Bearer realm="strata"', { message: 'This Strata route needs Authorization: Bearer <STRATA_ADMIN_TOKEN>.' },
      ]);
      const without = await strataOpt(['--url', guarded.url, '--arn', arn, '--into', join(work, 'guarded-no')]);
      expect(without).toMatchObject({ code: 1, stderr: 'strata opt: This Strata route needs Authorization: Bearer <STRATA_ADMIN_TOKEN>.\n' });
      const withToken = await strataOpt(['--url', guarded.url, '--arn', arn, '--into', join(work, 'guarded')], { STRATA_ADMIN_TOKEN: token });
      expect(withToken.code).toBe(0);
    } finally {
      await guarded.stop();
    }
  });

  it('strata opt: usage errors exit 2; an unreachable Strata exits 1', async () => {
    expect(await strataOpt(['--arn', arns[0]!])).toMatchObject({ code: 2, stderr: 'strata opt: name the folder to fill: --into DIR\n(strata opt --help tells how to use it)\n' });
    expect((await strataOpt(['--help'])).stdout).toMatch(/^strata opt: unpacks the \/opt of a function/);
    const port = await freePort();
    const out = await strataOpt(['--url', `http://127.0.0.1:${port}`, '--arn', arns[0]!, '--into', join(work, 'nowhere')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`^strata opt: cannot reach Strata at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  it('strata: --help names the opt command, and plain `strata --flags` still serves', async () => {
    const { stdout } = await exec(process.execPath, ['bin/strata.js', '--help'], { cwd: ROOT });
    expect(stdout).toContain('strata opt --arn ARN... --into DIR [--url URL]');
    const port = await freePort();
    const proc = spawn(process.execPath, ['bin/strata.js', '--port', String(port), '--data-dir', join(work, 'serving'), '--log-level', 'warn'], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = once(proc, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
    try {
      await ready({ proc, url: `http://127.0.0.1:${port}`, output: () => output, exited });
      expect((await fetch(`http://127.0.0.1:${port}/_strata/health`)).status).toBe(200);
    } finally {
      proc.kill('SIGTERM');
      await exited;
    }
  });
});
