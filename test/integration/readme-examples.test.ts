/**
 * Runs the README's client examples, as written, against a live Strata: the README stays true.
 * The Python clients come from `.cache/py` (scripts/python-clients.sh, run by `npm test`); without them the
 * Python examples are skipped with a notice, except in CI, where their absence fails the run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { crc64 } from '../../src/codec/crc64.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { keyFor } from '../helpers/auth.js';

const run = promisify(execFile);
const PY_BIN = resolve('.cache/py/bin');
const havePython = existsSync(join(PY_BIN, 'python')) && existsSync(join(PY_BIN, 'aws'));
if (!havePython) {
  if (process.env.CI) throw new Error(`Python clients missing in ${PY_BIN}: run scripts/python-clients.sh`);
  console.warn(`readme examples: boto3 and AWS CLI examples NOT run (no ${PY_BIN}; run scripts/python-clients.sh)`);
}

async function example(name: string): Promise<string> {
  return (await sourcedExample(name)).code;
}

/** A README example, and the source file it names (`<!-- example: NAME (path) -->`), if any. */
async function sourcedExample(name: string): Promise<{ code: string; source?: string }> {
  const readme = await readFile('README.md', 'utf8');
  const m = new RegExp(`<!-- example: ${name}(?: \\(([^)]+)\\))? -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!m) throw new Error(`README has no example '${name}'`);
  return { code: m[2]!, source: m[1] };
}

/** The lines of a source file between its `README <name> begin` and `README <name> end` comments, dedented. */
async function markedRegion(file: string, name: string): Promise<string> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const begin = lines.findIndex((l) => l.includes(`README ${name} begin`));
  const end = lines.findIndex((l) => l.includes(`README ${name} end`));
  if (begin < 0 || end < begin) throw new Error(`${file} has no README ${name} region`);
  const region = lines.slice(begin + 1, end);
  const indent = Math.min(...region.filter((l) => l.trim() !== '').map((l) => /^\s*/.exec(l)![0].length));
  return region.map((l) => l.slice(indent)).join('\n') + '\n';
}

/** The JSON documents printed one after another (as the AWS CLI prints one per command). */
function jsonDocuments(text: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0, start = -1, inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth++ === 0) start = i;
    } else if (ch === '}' && --depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)));
  }
  return docs;
}

describe('README examples', () => {
  let t: TestApp;
  let work: string;
  let zipCrc64: string;
  const env = () => ({ ...process.env, PATH: `${PY_BIN}:${process.env.PATH}`, AWS_CONFIG_FILE: '/dev/null' });
  const host = () => t.url.replace('http://', '');
  const code = async (name: string) =>
    (await example(name)).replaceAll('http://localhost:4588', t.url).replaceAll('localhost:4588', host()).replaceAll('127.0.0.1:4588', host());
  /** Runs a JavaScript example from inside the repository, so that its imports resolve from node_modules. */
  const runJs = async (name: string) => {
    const file = resolve(`.cache/readme-example-${name}-${process.pid}.mjs`);
    await writeFile(file, await code(name));
    try {
      return (await run(process.execPath, [file], { cwd: work, env: env() })).stdout.trim();
    } finally {
      await rm(file, { force: true });
    }
  };
  const runPy = async (name: string) =>
    (await run(join(PY_BIN, 'python'), ['-c', await code(name)], { cwd: work, env: env() })).stdout.trim();

  beforeAll(async () => {
    // The examples sign with the key `test` and secret `test`: registered for both clouds when signatures are verified.
    t = await startTestApp();
    keyFor(t.url, 'aws', 'test', 'test');
    keyFor(t.url, 'fc', 'test', 'test');
    work = await mkdtemp(join(tmpdir(), 'strata-readme-'));
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('def handler(): pass\n'), 'python/lib.py');
    zip.end();
    const parts: Buffer[] = [];
    for await (const c of zip.outputStream) parts.push(c as Buffer);
    await writeFile(join(work, 'layer.zip'), Buffer.concat(parts));
    zipCrc64 = crc64(Buffer.concat(parts));
    // The OSS examples upload to a bucket the user made first.
    await t.createBucket('my-bucket');
  });
  afterAll(async () => {
    await t.close();
    await rm(work, { recursive: true, force: true });
  });

  it('README: the AWS SDK for JavaScript example publishes a layer', async () => {
    expect(await runJs('aws-sdk-js')).toMatch(/^arn:aws:lambda:us-east-1:000000000000:layer:my-layer:\d+$/);
  });

  it.skipIf(!havePython)('README: the boto3 example publishes and lists', async () => {
    const [arn, versions] = (await runPy('boto3')).split('\n');
    expect(arn).toMatch(/^arn:aws:lambda:us-east-1:000000000000:layer:my-layer:\d+$/);
    const listed = JSON.parse(versions!) as number[];
    expect(listed[0]).toBe(Number(arn!.split(':').pop()));
    expect([...listed].sort((a, b) => b - a)).toEqual(listed);
  });

  it.skipIf(!havePython)('README: the AWS CLI example publishes, grants, reads the policy and lists', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await code('aws-cli')], { cwd: work, env: env() });
    // One JSON document per command, in the order the example runs them.
    const [published, granted, policy, listed] = jsonDocuments(stdout) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const arn = published.LayerVersionArn as string;
    expect(arn).toMatch(/^arn:aws:lambda:us-east-1:000000000000:layer:my-layer:\d+$/);
    // The example grants on version 1 (whichever version its publish made).
    const statement = {
      Sid: 'everyone', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:layer:my-layer:1',
    };
    expect(JSON.parse(granted.Statement)).toEqual(statement);
    expect(Object.keys(policy).sort()).toEqual(['Policy', 'RevisionId']);
    expect(policy.RevisionId).toBe(granted.RevisionId);
    expect(JSON.parse(policy.Policy)).toEqual({ Version: '2012-10-17', Id: 'default', Statement: [statement] });
    expect(listed.Layers.map((l: { LayerName: string }) => l.LayerName)).toContain('my-layer');
  });

  it('README: the FC 2.0 OpenAPI Node.js example creates a layer', async () => {
    expect(await runJs('fc-open-js')).toMatch(new RegExp(`^my-layer \\d+ ${zipCrc64}$`));
  });

  it('README: the FC 3.0 Node.js example creates a layer and makes it public', async () => {
    const arn = await runJs('fc3-js');
    expect(arn).toMatch(/^acs:fc:cn-hangzhou:1234567890123456:layers\/my-layer\/versions\/\d+$/);
    expect((await t.app.layers.getVersion(
      { cloud: 'fc', account: '1234567890123456', region: 'cn-hangzhou', name: 'my-layer' },
      Number(arn.split('/').pop()),
    )).isPublic).toBe(true);
  });

  it('README: the FC 2016-08-15 Node.js example publishes a layer', async () => {
    expect(await runJs('fc2-js')).toMatch(/^acs:fc:cn-hangzhou:1234567890123456:layers\/my-layer\/versions\/\d+$/);
  });

  it.skipIf(!havePython)('README: the FC 2.0 OpenAPI Python example creates and lists', async () => {
    const [created, versions] = (await runPy('fc-open-py')).split('\n');
    const [name, version, checksum] = created!.split(' ');
    expect([name, checksum]).toEqual(['my-layer', zipCrc64]);
    expect(JSON.parse(versions!)).toContain(Number(version));
  });

  it.skipIf(!havePython)('README: the FC 3.0 Python example creates, publishes and lists', async () => {
    const [created, listed] = (await runPy('fc3-py')).split('\n');
    expect(created).toMatch(new RegExp(`^acs:fc:cn-hangzhou:1234567890123456:layers/my-layer/versions/\\d+ ${zipCrc64}$`));
    expect(listed).toBe("[('my-layer', '1')]");
  });

  it('README: the ali-oss example uploads a layer zip to the OSS endpoint', async () => {
    expect(await runJs('oss-js')).toBe(`200 ${zipCrc64}`);
    expect((await readFile(join(t.dataDir, 'buckets', 'my-bucket', 'layers', 'layer.zip'))).equals(await readFile(join(work, 'layer.zip')))).toBe(true);
  });

  it.skipIf(!havePython)('README: the oss2 example uploads a layer zip to the OSS endpoint', async () => {
    expect(await runPy('oss-py')).toBe(`200 ${zipCrc64}`);
  });

  it.each(['java-aws', 'java-fc', 'go-aws'])('README: the %s example is exactly the code its client test runs', async (name) => {
    const { code, source } = await sourcedExample(name);
    expect(source).toMatch(/^test\/clients\//);
    expect(code).toBe(await markedRegion(source!, name));
  });

  it('README: the Terraform alicloud example carries the settings the provider needs against Strata', async () => {
    // docs/specs/tools-on-the-wire.md (Terraform, alicloud provider): without account_id it calls STS, without
    // account_type BssOpenApi; fc_open serves the FC 2.0 resource, fc the FC 3.0 one; acl avoids a perpetual diff.
    const hcl = await example('terraform-alicloud');
    for (const setting of [
      /account_id\s+= "1234567890123456"/, /account_type\s+= "Domestic"/, /protocol\s+= "HTTP"/,
      /skip_region_validation = true/, /fc_open = "localhost:4588"/, /fc\s+= "localhost:4588"/,
      /resource "alicloud_fc_layer_version"/, /resource "alicloud_fcv3_layer_version"[^]*acl\s+= "0"/,
    ]) expect(hcl).toMatch(setting);
  });
});
