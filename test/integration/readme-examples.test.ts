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
import { startTestApp, type TestApp } from '../helpers/app.js';

const run = promisify(execFile);
const PY_BIN = resolve('.cache/py/bin');
const havePython = existsSync(join(PY_BIN, 'python')) && existsSync(join(PY_BIN, 'aws'));
if (!havePython) {
  if (process.env.CI) throw new Error(`Python clients missing in ${PY_BIN}: run scripts/python-clients.sh`);
  console.warn(`readme examples: boto3 and AWS CLI examples NOT run (no ${PY_BIN}; run scripts/python-clients.sh)`);
}

async function example(name: string): Promise<string> {
  const readme = await readFile('README.md', 'utf8');
  const m = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!m) throw new Error(`README has no example '${name}'`);
  return m[1]!;
}

describe('README examples', () => {
  let t: TestApp;
  let work: string;
  const env = () => ({ ...process.env, PATH: `${PY_BIN}:${process.env.PATH}`, AWS_CONFIG_FILE: '/dev/null' });
  const code = async (name: string) => (await example(name)).replaceAll('http://localhost:4588', t.url);

  beforeAll(async () => {
    t = await startTestApp();
    work = await mkdtemp(join(tmpdir(), 'strata-readme-'));
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('def handler(): pass\n'), 'python/lib.py');
    zip.end();
    const parts: Buffer[] = [];
    for await (const c of zip.outputStream) parts.push(c as Buffer);
    await writeFile(join(work, 'layer.zip'), Buffer.concat(parts));
  });
  afterAll(async () => {
    await t.close();
    await rm(work, { recursive: true, force: true });
  });

  it('README: the AWS SDK for JavaScript example publishes a layer', async () => {
    // Inside the repository so that '@aws-sdk/client-lambda' resolves from its node_modules.
    const file = resolve(`.cache/readme-example-${process.pid}.mjs`);
    await writeFile(file, await code('aws-sdk-js'));
    try {
      const { stdout } = await run(process.execPath, [file], { cwd: work, env: env() });
      expect(stdout.trim()).toMatch(/^arn:aws:lambda:us-east-1:000000000000:layer:my-layer:\d+$/);
    } finally {
      await rm(file, { force: true });
    }
  });

  it.skipIf(!havePython)('README: the boto3 example publishes and lists', async () => {
    const { stdout } = await run(join(PY_BIN, 'python'), ['-c', await code('boto3')], { cwd: work, env: env() });
    const [arn, versions] = stdout.trim().split('\n');
    expect(arn).toMatch(/^arn:aws:lambda:us-east-1:000000000000:layer:my-layer:\d+$/);
    const listed = JSON.parse(versions!) as number[];
    expect(listed[0]).toBe(Number(arn!.split(':').pop()));
    expect([...listed].sort((a, b) => b - a)).toEqual(listed);
  });

  it.skipIf(!havePython)('README: the AWS CLI example publishes, grants and lists', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await code('aws-cli')], { cwd: work, env: env() });
    expect(stdout).toContain('"LayerVersionArn": "arn:aws:lambda:us-east-1:000000000000:layer:my-layer:');
    expect(stdout).toContain('\\"Sid\\":\\"everyone\\"');
    expect(stdout).toContain('"LayerName": "my-layer"');
  });
});
