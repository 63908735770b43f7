/**
 * serverless-offline's layer path against Strata, with its own code: test/clients/serverless-offline/run-function.mjs
 * runs a function through the plugin's public Lambda class with --useDocker (serverless-offline 14.8.2, installed
 * outside the checkout by scripts/serverless-offline.sh), pointed at Strata by AWS_ENDPOINT_URL_LAMBDA alone. Its
 * DockerContainer then does what this test is about: GetLayerVersion by the ARN without its version plus the version,
 * a fetch of Content.Location, the CompatibleRuntimes filter, and the extraction of each layer in order into
 * <service>/.serverless-offline/layers/<sha256 of the ARNs>, which it mounts at /opt.
 *
 * No Docker engine here: `docker` on PATH is this test's stand-in for the Docker CLI. It answers the daemon check
 * (`docker version`: linux), the image pull and the bridge gateway query, records every call, and refuses
 * `docker create`. So the image is not pulled, and the container (the Lambda runtime interface emulator with /opt
 * mounted), the handler's invocation and the container's clean-up never run; everything before them is
 * serverless-offline's own code. Without the package the test says it did not run; in CI that fails.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { keyFor } from '../../helpers/auth.js';
import { ACCOUNT, lambdaClient, publish, uniqueName } from '../../helpers/aws.js';
import { treeOf } from '../../helpers/zip-read.js';
import { makeTreeZip } from '../../helpers/zips.js';

const run = promisify(execFile);
const RECORD = resolve('.cache/serverless-offline');
const PKG = existsSync(RECORD) ? readFileSync(RECORD, 'utf8').trim() : '';
const havePkg = PKG !== '' && existsSync(join(PKG, 'package.json'));
if (!havePkg) {
  if (process.env.CI) throw new Error('serverless-offline is not installed: run scripts/serverless-offline.sh (npm test does)');
  console.warn('\n*** serverless-offline layer tests did NOT run: no .cache/serverless-offline (run scripts/serverless-offline.sh). ***\n');
}
const DRIVER = resolve('test/clients/serverless-offline/run-function.mjs');

/** The stand-in for the Docker CLI (see the file comment). */
const DOCKER = `#!/bin/sh
printf '%s\\n' "$*" >> "$STRATA_DOCKER_LOG"
case "$1" in
  version) echo linux ;;
  pull) ;;
  network) echo 172.17.0.1 ;;
  *) echo "no Docker engine on this machine" >&2; exit 1 ;;
esac
`;

describe.skipIf(!havePkg)(`serverless-offline layers (${BACKEND})`, () => {
  let t: TestApp;
  let lambda: LambdaClient;
  let work: string;

  beforeAll(async () => {
    t = await startTestApp();
    lambda = lambdaClient(t.url);
    work = await mkdtemp(join(tmpdir(), 'strata-sls-offline-'));
    await mkdir(join(work, 'bin'));
    await writeFile(join(work, 'bin', 'docker'), DOCKER);
    await chmod(join(work, 'bin', 'docker'), 0o755);
  });
  afterAll(async () => {
    lambda?.destroy();
    await t?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Runs the function `hello` (python3.12) with these layers in a service folder of its own. */
  async function runFunction(service: string, layers: string[]) {
    const servicePath = join(work, service);
    await mkdir(servicePath);
    await writeFile(join(servicePath, 'handler.py'), 'def hello(event, context):\n    return "hi"\n');
    const dockerLog = join(work, `${service}.docker.log`);
    const env = {
      PATH: `${join(work, 'bin')}:${process.env.PATH}`, HOME: work, STRATA_DOCKER_LOG: dockerLog,
      AWS_ENDPOINT_URL_LAMBDA: t.url, AWS_ACCESS_KEY_ID: ACCOUNT, AWS_SECRET_ACCESS_KEY: keyFor(t.url, 'aws', ACCOUNT),
    };
    const spec = { servicePath, region: 'us-east-1', runtime: 'python3.12', function: { handler: 'handler.hello', name: `strata-layers-dev-${service}`, architecture: 'x86_64', layers } };
    const { stdout } = await run(process.execPath, [DRIVER, PKG, JSON.stringify(spec)], { env, cwd: servicePath });
    const out = JSON.parse(stdout) as { error: string | null; logs: { level: string; message: string }[] };
    const layerDir = join(servicePath, '.serverless-offline', 'layers', createHash('sha256').update(JSON.stringify(layers)).digest('hex'));
    return { ...out, layerDir, docker: (await readFile(dockerLog, 'utf8')).trim().split('\n') };
  }

  it('DockerContainer: layers fetched from Strata are extracted in order into the folder mounted at /opt, incompatible ones skipped', async () => {
    const py = uniqueName('slso-py');
    const node = uniqueName('slso-node');
    const later = uniqueName('slso-later');
    const arns = [
      (await publish(lambda, py, {
        CompatibleRuntimes: ['python3.12'],
        Content: { ZipFile: await makeTreeZip([
          { name: 'python/shared.py', data: 'FROM = "first"\n' },
          { name: 'python/first.py', data: 'A = 1\n' },
          { name: 'bin/run', data: '#!/bin/sh\necho first\n', mode: 0o755 },
        ]) },
      })).LayerVersionArn!,
      (await publish(lambda, node, {
        CompatibleRuntimes: ['nodejs20.x'],
        Content: { ZipFile: await makeTreeZip([{ name: 'nodejs/node_modules/x/index.js', data: 'module.exports = 1\n' }]) },
      })).LayerVersionArn!,
      (await publish(lambda, later, {
        CompatibleRuntimes: ['python3.12', 'python3.13'],
        Content: { ZipFile: await makeTreeZip([
          { name: 'python/shared.py', data: 'FROM = "later"\n', mode: 0o600 },
          { name: 'bootstrap', data: '#!/bin/sh\n', mode: 0o644 },
        ]) },
      })).LayerVersionArn!,
    ];
    const out = await runFunction('ordered', arns);
    // What it extracted: the later layer's shared.py, the Node.js layer left out; serverless-offline keeps the zip's
    // modes and makes a bootstrap executable (layerFileMode.js).
    expect(await treeOf(out.layerDir)).toEqual({
      bin: 'd 755',
      'bin/run': 'f 755 #!/bin/sh\necho first\n',
      bootstrap: 'f 755 #!/bin/sh\n',
      python: 'd 755',
      'python/first.py': 'f 644 A = 1\n',
      'python/shared.py': 'f 600 FROM = "later"\n',
    });
    expect(existsSync(`${out.layerDir}.completed`)).toBe(true);
    expect(out.logs).toContainEqual({ level: 'warning', message: `[${node}:1] Layer is not compatible with python3.12 runtime` });
    expect(out.logs.filter((l) => l.level === 'warning')).toHaveLength(1);
    // Where it stopped: the container it would have created mounts that folder at /opt.
    expect(out.docker.slice(0, 3)).toEqual([
      'version --format {{.Server.Os}}',
      'pull public.ecr.aws/lambda/python:3.12-x86_64',
      'network inspect bridge --format {{(index .IPAM.Config 0).Gateway}}',
    ]);
    expect(out.docker[3]).toMatch(/^create /);
    expect(out.docker[3]).toContain(` -v ${out.layerDir}:/opt:ro,delegated `);
    expect(out.error).toMatch(/^Command failed with exit code 1: docker create /);
  });

  it('DockerContainer: a version Strata does not have is reported, and the layers are fetched again next time', async () => {
    const missing = `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${uniqueName('slso-none')}:4`;
    const out = await runFunction('missing', [missing]);
    const name = missing.split(':')[6];
    // serverless-offline logs `${err.code}: ${err.message}`; SDK v3 errors have no `code`, against AWS too.
    expect(out.logs).toContainEqual({ level: 'warning', message: `[${name}:4] undefined: The resource you requested does not exist.` });
    expect(out.logs).toContainEqual({ level: 'warning', message: 'Some layers could not be retrieved, they will be downloaded again on the next start' });
    expect(existsSync(`${out.layerDir}.completed`)).toBe(false);
    expect(await treeOf(out.layerDir)).toEqual({});
  });
});
