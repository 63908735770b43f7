/**
 * Serverless Devs, as a user runs it: the `s` CLI (@serverless-devs/s) with the fc3 component from
 * ../shared/tools/serverless-devs-fc3 (not on npm: its registry is unreachable here), pointed at Strata with
 * FC_CLIENT_CUSTOM_ENDPOINT and FC_CODE_TEMP_OSS_ENDPOINT and nothing else, with a HOME of its own. Every
 * `s layer` subcommand of the component: publish (through the temporary bucket), list, info, versions, acl,
 * download, remove. Outside CI, without ../shared, these tests say they did not run; in CI that fails.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../helpers/app.js';
import { keyFor } from '../helpers/auth.js';
import { crc64Reference } from '../helpers/crc64-reference.js';
import { $23, DEFAULT_ACCOUNT, fc23 } from '../helpers/fc.js';
import { makeZip } from '../helpers/zips.js';

const COMPONENT = resolve('..', 'shared', 'tools', 'serverless-devs-fc3');
const S_CLI = resolve('node_modules', '@serverless-devs', 's', 'bin', 's');
const haveComponent = existsSync(join(COMPONENT, 'dist', 'index.js'));
if (!haveComponent) {
  if (process.env.CI) throw new Error(`the Serverless Devs fc3 component is missing at ${COMPONENT}`);
  console.warn(`\n*** Serverless Devs tests did NOT run: no fc3 component at ${COMPONENT} (../shared is absent). ***\n`);
}

const run = promisify(execFile);

// Each `s` run starts Node and loads a 7 MB bundle: seconds each, more on a busy machine.
describe.skipIf(!haveComponent)(`Serverless Devs fc3 layer commands (${BACKEND})`, { timeout: 180_000 }, () => {
  let t: TestApp;
  let home: string;
  let v1: Buffer;
  let v2: Buffer;
  const layer = `sdevs-${Date.now().toString(36)}`;

  /** `s cli <component> layer <args> --region cn-hangzhou -a default -o json`; the JSON it prints, parsed. */
  async function s(...args: string[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const { stdout } = await run(process.execPath, [S_CLI, 'cli', COMPONENT, 'layer', ...args, '--region', 'cn-hangzhou', '-a', 'default', '-o', 'json'], {
      cwd: home,
      env: {
        PATH: process.env.PATH, HOME: home,
        FC_CLIENT_CUSTOM_ENDPOINT: t.url, FC_CODE_TEMP_OSS_ENDPOINT: t.url,
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    // Log lines come first; the output document starts at the last line that opens one.
    const lines = stdout.split('\n');
    let start = lines.length - 1;
    while (start > 0 && !/^(\{|\[|\[\]|\{\}|"[^"]*"|undefined)$/.test(lines[start]!)) start--;
    const doc = lines.slice(start).join('\n').trim();
    return doc === 'undefined' ? undefined : JSON.parse(doc);
  }

  const versionsOf = async () =>
    (await fc23(t.url).listLayerVersions(layer, new $23.ListLayerVersionsRequest({}))).body!.layers!.map((l) => l.version);

  beforeAll(async () => {
    t = await startTestApp();
    // The key `s config add` stores below, registered when Strata verifies signatures.
    keyFor(t.url, 'fc', 'test', 'test');
    home = await mkdtemp(join(tmpdir(), 'strata-s-home-'));
    await run(process.execPath, [S_CLI, 'config', 'add', '--AccessKeyID', 'test', '--AccessKeySecret', 'test', '--AccountID', DEFAULT_ACCOUNT, '-a', 'default', '-f'], {
      env: { PATH: process.env.PATH, HOME: home },
    });
    v1 = await makeZip({ 'python/lib.py': 'VERSION = 1\n' });
    v2 = await makeZip({ 'python/lib.py': 'VERSION = 2\n' });
    await writeFile(join(home, 'v1.zip'), v1);
    await writeFile(join(home, 'v2.zip'), v2);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('s layer publish: a new zip goes through the temporary bucket and becomes version 1, with its CRC-64', async () => {
    const out = await s('publish', '--code', 'v1.zip', '--layer-name', layer, '--compatible-runtime', 'python3.10,python3.9');
    expect(out).toMatchObject({
      layerName: layer, version: 1, codeChecksum: crc64Reference(v1), codeSize: v1.length,
      compatibleRuntime: ['python3.10', 'python3.9'], acl: '0',
    });
    expect(await versionsOf()).toEqual([1]);
    if (BACKEND === 'fs') {
      const temp = (await readdir(join(t.dataDir, 'buckets'))).find((b) => b.startsWith('fc-temp-'))!;
      expect(await readdir(join(t.dataDir, 'buckets', temp, DEFAULT_ACCOUNT))).toHaveLength(1);
    }
  });

  it('s layer publish: the same zip again is skipped by the tool (same CRC-64 as the newest version)', async () => {
    const out = await s('publish', '--code', 'v1.zip', '--layer-name', layer, '--compatible-runtime', 'python3.10');
    expect(out).toMatchObject({ layerName: layer, version: 1, codeChecksum: crc64Reference(v1) });
    expect(await versionsOf()).toEqual([1]);
  });

  it('s layer publish: a changed zip becomes version 2', async () => {
    const out = await s('publish', '--code', 'v2.zip', '--layer-name', layer, '--compatible-runtime', 'python3.10', '--description', 'second');
    expect(out).toMatchObject({ layerName: layer, version: 2, codeChecksum: crc64Reference(v2), description: 'second' });
    expect(await versionsOf()).toEqual([1, 2]);
  });

  it('s layer list: the layer at its newest version', async () => {
    const out = (await s('list')) as { layerName: string; version: number; description: string }[];
    expect(out.find((l) => l.layerName === layer)).toMatchObject({ version: 2, description: 'second', acl: '0' });
  });

  it('s layer info and s layer versions: one version, and all of them', async () => {
    expect(await s('info', '--layer-name', layer, '--version-id', '1')).toEqual({
      acl: '0', compatibleRuntime: ['python3.10', 'python3.9'], description: '', layerName: layer,
      // `s` masks the account in what it prints.
      layerVersionArn: `acs:fc:cn-hangzhou:123**********456:layers/${layer}/versions/1`, version: 1,
    });
    const versions = (await s('versions', '--layer-name', layer)) as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('s layer acl: --public makes every version public, and without it private again', async () => {
    await s('acl', '--layer-name', layer, '--public');
    const acl = async (version: string) =>
      (await fc23(t.url).getLayerVersion(layer, version)).body!.acl;
    expect([await acl('1'), await acl('2')]).toEqual(['1', '1']);
    await s('acl', '--layer-name', layer);
    expect(await acl('2')).toBe('0');
  });

  it('s layer download: fetches the version\'s zip byte for byte into the cache of $HOME/.s', async () => {
    const path = (await s('download', '--layer-name', layer, '--version-id', '1')) as string;
    const file = join(home, '.s', 'cache', 'layers', `${DEFAULT_ACCOUNT}-cn-hangzhou-${layer}`, '1.zip');
    expect(path).toMatch(/1\.zip$/);
    expect((await readFile(file)).equals(v1)).toBe(true);
  });

  it('s layer remove: one version with --version-id, then every version', async () => {
    await s('remove', '--layer-name', layer, '--version-id', '1', '-y');
    expect(await versionsOf()).toEqual([2]);
    await s('remove', '--layer-name', layer, '-y');
    const gone = await fc23(t.url).listLayerVersions(layer, new $23.ListLayerVersionsRequest({})).then(() => 'listed', (e: { code: string }) => e.code);
    expect(gone).toBe('LayerNotFound');
  });
});
