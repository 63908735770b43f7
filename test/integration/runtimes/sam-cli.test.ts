/**
 * SAM CLI's layer path against Strata, with SAM's own code: test/clients/sam/download_layers.py drives
 * samcli.local.layers.layer_downloader.LayerDownloader (aws-sam-cli 1.170.0 from .cache/py-sam, installed by
 * scripts/python-clients.sh) with only the settings a user gives `sam local invoke`: AWS_ENDPOINT_URL_LAMBDA, a region
 * and credentials, and the layer cache folder (--layer-cache-basedir). It calls GetLayerVersion with the ARN without
 * its version, downloads Content.Location with requests and unzips it with SAM's own unzip into
 * <cache>/<name>-<version>-<sha256(arn)[:10]>. What `sam local invoke` does next (build an image with the layers
 * in /opt, run it) needs a Docker engine, which this machine lacks: that part is not run. Without .cache/py-sam the
 * test says it did not run; in CI that fails.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
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
const PYTHON = resolve('.cache/py-sam/bin/python');
const DRIVER = resolve('test/clients/sam/download_layers.py');
const haveSam = existsSync(PYTHON);
if (!haveSam) {
  if (process.env.CI) throw new Error(`SAM CLI missing in .cache/py-sam: run scripts/python-clients.sh`);
  console.warn('\n*** SAM CLI layer tests did NOT run: no .cache/py-sam (run scripts/python-clients.sh). ***\n');
}

describe.skipIf(!haveSam)(`SAM CLI layer downloader (${BACKEND})`, () => {
  let t: TestApp;
  let lambda: LambdaClient;
  let cache: string;

  beforeAll(async () => {
    t = await startTestApp();
    lambda = lambdaClient(t.url);
    cache = await mkdtemp(join(tmpdir(), 'strata-sam-cache-'));
  });
  afterAll(async () => {
    lambda?.destroy();
    await t?.close();
    if (cache) await rm(cache, { recursive: true, force: true });
  });

  /**
   * The driver's JSON (its last line; SAM's progress bar prints before it), run with a user's settings for
   * `sam local invoke` and nothing else of this process's.
   */
  async function samDownload(...arns: string[]): Promise<{ layers?: { arn: string; name: string; codeuri: string }[]; error?: string; message?: string }> {
    const env = {
      PATH: process.env.PATH ?? '', HOME: cache,
      AWS_ENDPOINT_URL_LAMBDA: t.url, AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: ACCOUNT, AWS_SECRET_ACCESS_KEY: keyFor(t.url, 'aws', ACCOUNT),
    };
    const out = await run(PYTHON, [DRIVER, cache, ...arns], { env }).catch((e: { stdout: string }) => e);
    return JSON.parse(out.stdout.trim().split('\n').pop()!) as never;
  }

  it('LayerDownloader: downloads and unpacks a Strata layer version by ARN into the layer cache, files as in the zip', async () => {
    const name = uniqueName('sam');
    const zip = await makeTreeZip([
      { name: 'python/', mode: 0o755 },
      { name: 'python/greeting.py', data: 'def hello():\n    return "hello from a Strata layer"\n' },
      { name: 'python/data/words.txt', data: 'one\ntwo\n' },
      { name: 'bin/tool', data: '#!/bin/sh\necho tool\n', mode: 0o755 },
      { name: 'python/hello.py', symlink: 'greeting.py' },
    ]);
    const arn = (await publish(lambda, name, { Content: { ZipFile: zip }, CompatibleRuntimes: ['python3.12'] })).LayerVersionArn!;
    const out = await samDownload(arn);
    const dir = `${name}-1-${createHash('sha256').update(arn).digest('hex').slice(0, 10)}`;
    expect(out).toEqual({ layers: [{ arn, name: dir, codeuri: join(cache, dir) }] });
    // SAM sets 0700 on every file and folder it unpacks (remote_files.unzip_from_uri, "permission=0o700"); links stay links.
    expect(await treeOf(join(cache, dir))).toEqual({
      bin: 'd 755',
      'bin/tool': 'f 700 #!/bin/sh\necho tool\n',
      python: 'd 700',
      'python/data': 'd 755',
      'python/data/words.txt': 'f 700 one\ntwo\n',
      'python/greeting.py': 'f 700 def hello():\n    return "hello from a Strata layer"\n',
      'python/hello.py': 'l -> greeting.py',
    });
    // The download went to the cache folder only: no zip left beside the layer, a lock folder of SAM's own.
    expect((await readdir(cache)).sort()).toEqual(['.locks', dir]);
  });

  it('LayerDownloader: a second download of the same version is served from the cache', async () => {
    const name = uniqueName('sam-cached');
    const arn = (await publish(lambda, name, { Content: { ZipFile: await makeTreeZip([{ name: 'a.txt', data: 'a' }]) } })).LayerVersionArn!;
    expect((await samDownload(arn)).layers).toHaveLength(1);
    await t.app.layers.reset({ cloud: 'aws', name });
    const again = await samDownload(arn);
    expect(again.layers![0]!.arn).toBe(arn);
    expect(await treeOf(again.layers![0]!.codeuri)).toEqual({ 'a.txt': 'f 700 a' });
  });

  it("LayerDownloader: a version Strata does not have is SAM's ResourceNotFound, as for the cloud", async () => {
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${uniqueName('sam-none')}:3`;
    expect(await samDownload(arn)).toEqual({ error: 'ResourceNotFound', message: `${arn} was not found.` });
  });
});
