/**
 * Serverless Devs `s local invoke` against Strata, as a user runs it: the `s` CLI (@serverless-devs/s) with the fc3
 * component from ../shared/tools/serverless-devs-fc3, an s.yaml naming the function's layers by ARN, and
 * FC_CLIENT_CUSTOM_ENDPOINT pointing at Strata. The component's getLayerMountString does what this test is about:
 * GetLayerVersionByArn (FC 3.0) for each layer, the `compatibleRuntime` check, the download of `code.location` into
 * ~/.s/layer/<region>/<account>/<name>/<version>, unzipped, and the merge of the layers into one folder it mounts
 * at /opt (copyFolderContents: the first layer's file is kept, as FC documents).
 *
 * No Docker engine here: `docker` on PATH is this test's stand-in for the Docker CLI. It answers `docker --version`
 * and `docker info` (the component's checkDockerIsOK) and `docker pull`, records every call, copies the folder that
 * `docker run` would mount at /opt (it is removed when `s` exits), and refuses `docker run`. So the runtime image is
 * not pulled, and the container, the invocation and its result never run; everything before them is Serverless Devs'
 * own code. Outside CI, without ../shared, these tests say they did not run; in CI that fails.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { keyFor } from '../../helpers/auth.js';
import { acsArn, create23, DEFAULT_ACCOUNT, fc23, type FC23Client } from '../../helpers/fc.js';
import { treeOf, zipTreeOf } from '../../helpers/zip-read.js';
import { makeTreeZip } from '../../helpers/zips.js';

const COMPONENT = resolve('..', 'shared', 'tools', 'serverless-devs-fc3');
const S_CLI = resolve('node_modules', '@serverless-devs', 's', 'bin', 's');
const haveComponent = existsSync(join(COMPONENT, 'dist', 'index.js'));
if (!haveComponent) {
  if (process.env.CI) throw new Error(`the Serverless Devs fc3 component is missing at ${COMPONENT}`);
  console.warn(`\n*** Serverless Devs s local tests did NOT run: no fc3 component at ${COMPONENT} (../shared is absent). ***\n`);
}

const run = promisify(execFile);

/** The stand-in for the Docker CLI (see the file comment). */
const DOCKER = `#!/bin/sh
printf '%s\\n' "$*" >> "$STRATA_DOCKER_LOG"
case "$1" in
  --version) echo "Docker version 27.0.3 (a stand-in: no Docker engine here)" ;;
  info) echo "Server: none" ;;
  pull) ;;
  run)
    for arg in "$@"; do
      case "$arg" in *:/opt) cp -a "\${arg%:/opt}" "$STRATA_OPT_CAPTURE" ;; esac
    done
    echo "no Docker engine on this machine" >&2; exit 1 ;;
  *) echo "no Docker engine on this machine" >&2; exit 1 ;;
esac
`;

describe.skipIf(!haveComponent)(`Serverless Devs s local invoke (${BACKEND})`, { timeout: 180_000 }, () => {
  let t: TestApp;
  let fc: FC23Client;
  let work: string;
  let home: string;

  beforeAll(async () => {
    t = await startTestApp();
    fc = fc23(t.url);
    work = await mkdtemp(join(tmpdir(), 'strata-s-local-'));
    home = join(work, 'home');
    await mkdir(join(work, 'bin'), { recursive: true });
    await writeFile(join(work, 'bin', 'docker'), DOCKER);
    await chmod(join(work, 'bin', 'docker'), 0o755);
    await mkdir(join(work, 'code'));
    await writeFile(join(work, 'code', 'index.py'), 'def handler(event, context):\n    return "hi"\n');
    // The key `s` signs with; registered with Strata when it verifies signatures (the `verify` test project).
    const secret = keyFor(t.url, 'fc', 'test', 'test');
    await run(process.execPath, [S_CLI, 'config', 'add', '--AccessKeyID', 'test', '--AccessKeySecret', secret, '--AccountID', DEFAULT_ACCOUNT, '-a', 'default', '-f'], {
      env: { PATH: process.env.PATH, HOME: home },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** `s local invoke` of a python3.10 function with these layers; its exit code, output, Docker calls and /opt. */
  async function localInvoke(label: string, layers: string[]) {
    const yaml = [
      'edition: 3.0.0', 'name: strata-layers', 'access: default', 'resources:', '  hello:', `    component: ${COMPONENT}`, '    props:',
      '      region: cn-hangzhou', '      functionName: hello', '      runtime: python3.10', '      handler: index.handler',
      '      code: ./code', '      layers:', ...layers.map((arn) => `        - ${arn}`), '',
    ].join('\n');
    await writeFile(join(work, `${label}.yaml`), yaml);
    const dockerLog = join(work, `${label}.docker.log`);
    const opt = join(work, `${label}.opt`);
    const env = {
      PATH: `${join(work, 'bin')}:${process.env.PATH}`, HOME: home, FC_CLIENT_CUSTOM_ENDPOINT: t.url,
      STRATA_DOCKER_LOG: dockerLog, STRATA_OPT_CAPTURE: opt,
    };
    const out = await run(process.execPath, [S_CLI, 'local', 'invoke', '-t', `${label}.yaml`], { cwd: work, env, maxBuffer: 16 * 1024 * 1024 })
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
    const docker = existsSync(dockerLog) ? (await readFile(dockerLog, 'utf8')).trim().split('\n') : [];
    return { code: out.code, output: `${out.stdout}${out.stderr}`, docker, opt };
  }

  const LAYERS = [
    [{ name: 'python/shared.py', data: 'FROM = "first"\n' }, { name: 'python/first.py', data: 'A = 1\n' }, { name: 'bin/tool', data: '#!/bin/sh\n', mode: 0o755 }],
    [{ name: 'python/shared.py', data: 'FROM = "second"\n' }, { name: 'python/second.py', data: 'B = 2\n' }],
  ];

  it('s local invoke: each layer comes from Strata by ARN into ~/.s/layer, and the merge mounted at /opt keeps the first layer\'s files', async () => {
    const names = [`sl-${Date.now().toString(36)}-a`, `sl-${Date.now().toString(36)}-b`];
    for (const [i, entries] of LAYERS.entries()) await create23(fc, names[i]!, await makeTreeZip(entries), { compatibleRuntime: ['python3.10', 'python3.12'] });
    const arns = names.map((n) => acsArn(n, 1));
    const out = await localInvoke('merge', arns);

    // Each layer, unzipped in the component's cache.
    const cached = (name: string) => treeOf(join(home, '.s', 'layer', 'cn-hangzhou', DEFAULT_ACCOUNT, name, '1'));
    expect(await cached(names[0]!)).toEqual({
      bin: 'd 755', 'bin/tool': 'f 755 #!/bin/sh\n', python: 'd 755', 'python/first.py': 'f 644 A = 1\n', 'python/shared.py': 'f 644 FROM = "first"\n',
    });
    expect(await cached(names[1]!)).toEqual({ python: 'd 755', 'python/second.py': 'f 644 B = 2\n', 'python/shared.py': 'f 644 FROM = "second"\n' });
    // What the container would have had at /opt.
    const merged = {
      bin: 'd 755',
      'bin/tool': 'f 755 #!/bin/sh\n',
      python: 'd 755',
      'python/first.py': 'f 644 A = 1\n',
      'python/second.py': 'f 644 B = 2\n',
      'python/shared.py': 'f 644 FROM = "first"\n',
    };
    expect(await treeOf(out.opt)).toEqual(merged);
    // Strata's own merged /opt of the same ARNs is the same tree.
    const served = await fetch(`${t.url}/_strata/opt?${arns.map((a) => `arn=${encodeURIComponent(a)}`).join('&')}&runtime=python3.10`);
    expect(await zipTreeOf(Buffer.from(await served.arrayBuffer()))).toEqual(
      Object.fromEntries(Object.entries(merged).filter(([path]) => path !== 'bin' && path !== 'python')),
    );

    expect(out.docker.slice(0, 3)).toEqual(['--version', 'info', 'pull registry.hub.docker.com/aliyunfc/runtime-python3.10:3.1.0']);
    expect(out.docker[3]).toMatch(new RegExp(`^run .* -v ${join(home, '.s', 'temp')}/\\d+:/opt registry\\.hub\\.docker\\.com/aliyunfc/runtime-python3\\.10:3\\.1\\.0$`));
    expect(out.code).not.toBe(0);
    expect(out.output).toContain('command failed with code 1');
    // The layers were read with FC 3.0's GetLayerVersionByArn.
    const metrics = await (await fetch(`${t.url}/_strata/metrics`)).text();
    expect(metrics).toMatch(/^strata_requests_total\{surface="fc-2023-03-30",operation="GetLayerVersionByArn",status="200"\} 2$/m);
  });

  it("s local invoke: a layer that does not list the function's runtime stops it before Docker runs", async () => {
    const name = `sl-${Date.now().toString(36)}-node`;
    await create23(fc, name, await makeTreeZip([{ name: 'nodejs/index.js', data: '1' }]), { compatibleRuntime: ['nodejs20'] });
    const arn = acsArn(name, 1);
    const out = await localInvoke('incompatible', [arn]);
    expect(out.code).not.toBe(0);
    expect(out.output).toContain(`The Layer ${name} is not compatible with this runtime. The layer's ARN is ${arn}`);
    expect(out.docker).toEqual(['--version', 'info', 'pull registry.hub.docker.com/aliyunfc/runtime-python3.10:3.1.0']);
  });
});
