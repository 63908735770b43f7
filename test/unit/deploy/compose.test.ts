/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so their contract with Strata's
 * configuration is checked instead: the file parses, every variable is one Strata knows and parses, ports,
 * volumes and health checks line up, and the image starts Strata the way the README documents.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_KEYS, loadConfig } from '../../../src/config.js';

interface Service {
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

  it('compose: runs Strata and a MinIO of a pinned release', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['minio', 'strata']);
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
    expect(Object.keys(compose.volumes).sort()).toEqual(['minio-data', 'strata-data']);
    expect(strata!.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    expect(minio!.healthcheck!.test).toEqual(['CMD', 'mc', 'ready', 'local']);
    expect(strata!.healthcheck!.test.join(' ')).toContain('/_strata/health');
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
