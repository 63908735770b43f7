/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so their contract with Strata's
 * configuration is checked instead: the file parses, every variable is one Strata knows and parses, ports,
 * volumes and health checks line up, and the image starts Strata the way the README documents.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { runOpt } from '../../../src/cli/opt.js';
import { CONFIG_KEYS, loadConfig } from '../../../src/config.js';
import { startStrata } from '../../../src/index.js';
import { treeOf } from '../../helpers/zip-read.js';
import { makeZip } from '../../helpers/zips.js';

interface Service {
  profiles?: string[];
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  networks?: Record<string, { aliases?: string[] }>;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const dockerfile = readFileSync('Dockerfile', 'utf8');

/** `${NAME:-default}` as compose resolves it when NAME is unset. */
const interpolate = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

describe('docker-compose.yml', () => {
  const { strata, minio } = compose.services;

  it('compose: runs Strata and a MinIO of a pinned release; the other services only under their profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['function', 'minio', 'opt', 'postgres', 'strata', 'strata-a', 'strata-b', 'team']);
    const byDefault = Object.entries(compose.services).filter(([, s]) => s.profiles === undefined).map(([name]) => name);
    expect(byDefault.sort()).toEqual(['minio', 'strata']);
    expect(minio!.image).toMatch(/^minio\/minio:RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(strata!.build).toBe('.');
  });

  it("compose: Strata's environment is configuration Strata knows, and it parses", () => {
    const env = Object.fromEntries(Object.entries(strata!.environment!).map(([k, v]) => [k, interpolate(String(v))]));
    for (const key of Object.keys(env)) expect(CONFIG_KEYS).toContain(key);
    const config = loadConfig(env);
    expect(config).toMatchObject({ host: '0.0.0.0', port: 4588, dataDir: '/data', blobBackend: 'minio', publicUrl: undefined });
    expect(config.minio).toMatchObject({ endpoint: 'http://minio:9000', bucket: 'strata-layers' });
    // Strata signs in to MinIO with MinIO's own root credentials.
    expect(strata!.environment!.STRATA_MINIO_ACCESS_KEY).toBe(minio!.environment!.MINIO_ROOT_USER);
    expect(strata!.environment!.STRATA_MINIO_SECRET_KEY).toBe(minio!.environment!.MINIO_ROOT_PASSWORD);
    expect(new URL(config.minio!.endpoint).port).toBe(minio!.ports![0]!.split(':')[1]);
  });

  it("compose: other containers reach Strata as strata and as <account>.strata, the configured FC account", () => {
    // Terraform's alicloud provider connects to `<account_id>.<endpoint>` (docs/specs/tools-on-the-wire.md).
    const account = loadConfig({ STRATA_FC_ACCOUNT_ID: interpolate(strata!.environment!.STRATA_FC_ACCOUNT_ID!) }).fc.accountId;
    expect(account).toBe('1234567890123456');
    expect(strata!.networks).toEqual({ default: { aliases: ['${STRATA_FC_ACCOUNT_ID:-1234567890123456}.strata'] } });
    expect(strata!.networks!.default!.aliases!.map(interpolate)).toEqual([`${account}.strata`]);
    // Both name the account through the same variable, so they cannot drift apart when it is set.
    const variable = (value: string) => /^\$\{([A-Z_]+):-/.exec(value)?.[1];
    expect(variable(strata!.networks!.default!.aliases![0]!)).toBe('STRATA_FC_ACCOUNT_ID');
    expect(variable(strata!.environment!.STRATA_FC_ACCOUNT_ID!)).toBe('STRATA_FC_ACCOUNT_ID');
  });

  it('compose: ports, named volumes, and Strata waiting for a healthy MinIO', () => {
    expect(strata!.ports).toEqual(['4588:4588']);
    expect(strata!.volumes).toEqual(['strata-data:/data']);
    expect(minio!.volumes).toEqual(['minio-data:/data']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['minio-data', 'opt', 'postgres-data', 'strata-a-data', 'strata-b-data', 'strata-data']);
    expect(strata!.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    expect(minio!.healthcheck!.test).toEqual(['CMD', 'mc', 'ready', 'local']);
    expect(strata!.healthcheck!.test.join(' ')).toContain('/_strata/health');
  });
});

describe('docker-compose.yml, profile opt', () => {
  const { opt, function: fn, strata } = compose.services;
  const flag = (name: string) => opt!.command![opt!.command!.indexOf(name) + 1];

  it("compose opt: a one-shot `strata opt` in Strata's own image fills the opt volume once Strata is healthy", () => {
    expect(opt!.profiles).toEqual(['opt']);
    expect([opt!.build, opt!.image]).toEqual([strata!.build, strata!.image]);
    // The image's entry point, as its CMD runs it (tested below), with the opt subcommand.
    expect(opt!.command!.slice(0, 3)).toEqual(['node', 'dist/server.js', 'opt']);
    expect(JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!)).toEqual(['node', 'dist/server.js']);
    // Strata by its service name, on the port it serves.
    expect(flag('--url')).toBe(`http://strata:${strata!.environment!.STRATA_PORT}`);
    expect(flag('--arn')).toBe('${STRATA_OPT_ARNS:-}');
    expect(opt!.command).toContain('--replace');
    expect(opt!.volumes).toEqual([`opt:${flag('--into')}`]);
    expect(opt!.depends_on).toEqual({ strata: { condition: 'service_healthy' } });
    // A fresh volume takes the owner of the folder it is mounted on: the image makes that folder the node user's.
    expect(dockerfile).toMatch(new RegExp(`^RUN mkdir -p /data ${flag('--into')} && chown node:node /data ${flag('--into')}$`, 'm'));
  });

  it('compose opt: the function container mounts that volume at /opt, read-only, once opt has completed', () => {
    expect(fn!.profiles).toEqual(['opt']);
    expect(fn!.image).toMatch(/^public\.ecr\.aws\/lambda\/python:3\.\d+$/);
    expect(fn!.volumes).toEqual(['opt:/opt:ro', './examples/opt-function:/var/task:ro']);
    expect(fn!.depends_on).toEqual({ opt: { condition: 'service_completed_successfully' } });
    // The base image's handler setting names examples/opt-function/app.py's handler.
    expect(fn!.command).toEqual(['app.handler']);
    expect(readFileSync('examples/opt-function/app.py', 'utf8')).toMatch(/^def handler\(event, context\):$/m);
    expect(fn!.ports).toEqual(['9100:8080']);
  });

  it("compose opt: the opt service's command, run as written against a live Strata, fills its folder", async () => {
    const strataApp = await startStrata();
    const into = await mkdtemp(join(tmpdir(), 'strata-compose-opt-'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const arns: string[] = [];
      for (const [name, files] of [['base', { 'python/a.py': 'a', 'python/x.py': 'base' }], ['over', { 'python/x.py': 'over' }]] as const) {
        const res = await fetch(`${strataApp.url}/2018-10-31/layers/${name}/versions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ Content: { ZipFile: (await makeZip(files)).toString('base64') } }),
        });
        arns.push(((await res.json()) as { LayerVersionArn: string }).LayerVersionArn);
      }
      // As compose runs it: STRATA_OPT_ARNS interpolated, the service name and volume mapped to this machine.
      const args = opt!.command!.slice(3).map((a) =>
        a === '${STRATA_OPT_ARNS:-}' ? arns.join(',') : a === 'http://strata:4588' ? strataApp.url : a === flag('--into') ? into : a);
      expect(await runOpt(args, {})).toBe(0);
      expect(await treeOf(into)).toEqual({ python: 'd 755', 'python/a.py': 'f 664 a', 'python/x.py': 'f 664 over' });
    } finally {
      log.mockRestore();
      await strataApp.stop();
      await rm(into, { recursive: true, force: true });
    }
  });
});

describe('docker-compose.yml, profile team', () => {
  const { postgres, minio, team } = compose.services;
  const replicas = [compose.services['strata-a']!, compose.services['strata-b']!];
  const envOf = (s: Service) => Object.fromEntries(Object.entries(s.environment!).map(([k, v]) => [k, interpolate(String(v))]));

  it('compose team: PostgreSQL, two Strata replicas and nginx, only under the team profile', () => {
    for (const s of [postgres!, ...replicas, team!]) expect(s.profiles).toEqual(['team']);
    expect(postgres!.image).toMatch(/^postgres:\d+-bookworm$/);
    expect(team!.image).toMatch(/^nginx:\d+\.\d+-bookworm$/);
    expect(postgres!.healthcheck!.test.slice(0, 2)).toEqual(['CMD', 'pg_isready']);
  });

  it("compose team: both replicas share the database and the bucket, each with a data directory of its own", () => {
    const [a, b] = replicas.map((r) => loadConfig(envOf(r)));
    for (const r of replicas) for (const key of Object.keys(r.environment!)) expect(CONFIG_KEYS).toContain(key);
    const pgEnv = envOf(postgres!);
    const url = new URL(a!.metadataUrl!);
    expect([url.protocol, url.hostname, url.port, url.pathname]).toEqual(['postgres:', 'postgres', '5432', `/${pgEnv.POSTGRES_DB}`]);
    expect([url.username, url.password]).toEqual([pgEnv.POSTGRES_USER, pgEnv.POSTGRES_PASSWORD]);
    expect(b!.metadataUrl).toBe(a!.metadataUrl);
    expect(b!.minio).toEqual(a!.minio);
    expect(a!.minio).toMatchObject({ endpoint: 'http://minio:9000', bucket: 'strata-team-layers' });
    expect(a!.minio!.bucket).not.toBe(loadConfig(envOf(compose.services.strata!)).minio!.bucket);
    expect(replicas.map((r) => r.environment!.STRATA_MINIO_ACCESS_KEY)).toEqual([minio!.environment!.MINIO_ROOT_USER, minio!.environment!.MINIO_ROOT_USER]);
    expect(replicas.map((r) => r.volumes)).toEqual([['strata-a-data:/data'], ['strata-b-data:/data']]);
    for (const r of replicas) {
      expect(r.image).toBe('strata:local');
      expect(r.depends_on).toEqual({ minio: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
      expect(r.healthcheck!.test.join(' ')).toContain('/_strata/health');
    }
  });

  it('compose team: nginx on :4590 balances over both replicas, streaming bodies of any size with the Host kept', () => {
    expect(team!.ports).toEqual(['4590:4588']);
    expect(team!.volumes).toEqual(['./deploy/team-nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
    expect(team!.depends_on).toEqual({ 'strata-a': { condition: 'service_healthy' }, 'strata-b': { condition: 'service_healthy' } });
    const conf = readFileSync('deploy/team-nginx.conf', 'utf8');
    const servers = [...conf.matchAll(/^\s*server (\S+?):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(servers).toEqual(replicas.map((r, i) => `${['strata-a', 'strata-b'][i]}:${r.environment!.STRATA_PORT}`));
    expect(conf).toMatch(/^\s*listen 4588;$/m);
    expect(conf).toMatch(/^\s*client_max_body_size 0;$/m);
    expect(conf).toMatch(/^\s*proxy_request_buffering off;$/m);
    expect(conf).toMatch(/^\s*proxy_set_header Host \$http_host;$/m);
    expect(team!.networks!.default!.aliases!.map(interpolate)).toEqual(['1234567890123456.team']);
  });
});

describe('Dockerfile', () => {
  it('image: multi-stage, on a Node LTS slim base, non-root', () => {
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) expect(base).toMatch(/^node:(20|22|24)-[a-z]+-slim$/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('image: starts Strata as `npm start` does once built, on all interfaces, with data in a volume', () => {
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[];
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(cmd.join(' ')).toBe(pkg.scripts.start);
    expect(pkg.scripts.prestart).toContain('build');
    expect(dockerfile).toMatch(/STRATA_HOST=0\.0\.0\.0/);
    expect(dockerfile).toMatch(/STRATA_DATA_DIR=\/data/);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
  });
});
