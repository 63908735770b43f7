/**
 * Strata in a JavaScript test suite's own process:
 *
 * ```js
 * import { startStrata } from 'strata';
 * const strata = await startStrata({ port: 0 });    // a fresh data directory, any free port
 * // … point the SDKs at strata.url …
 * await strata.reset();                             // empty again between tests
 * await strata.seed('layers.seed.json');            // or a manifest object
 * await strata.stop();
 * ```
 *
 * Options are the settings of `strata --help` by their camelCase names (`dataDir`, `blobBackend`, `awsAccountId`,
 * `logLevel`…) or by their variable names (`STRATA_DATA_DIR`), as strings or numbers. Without `dataDir`, Strata uses a new temporary directory and removes it on
 * stop; a `dataDir` given is kept.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { CONFIG_KEYS, loadConfig, type Config } from './config.js';
import type { ResetResult, ResetScope } from './core/model.js';
import { seed, seedFromFile, type SeedResult } from './seed.js';

export type { ResetResult, ResetScope } from './core/model.js';
export type { SeedManifest, SeedResult } from './seed.js';
export { SeedError } from './seed.js';
export { DataDirInUse } from './store/data-dir-lock.js';

export type StrataOptions = Record<string, string | number | boolean | undefined>;

export interface RunningStrata {
  /** `http://127.0.0.1:<port>`: the endpoint to give every SDK. */
  url: string;
  port: number;
  dataDir: string;
  config: Config;
  /** The Fastify instance, for tests that need to look inside. */
  app: FastifyInstance;
  /** Empties Strata, or the layers of one cloud, account, region or name (`layer`). */
  reset(scope?: ResetScope & { layer?: string }): Promise<ResetResult>;
  /** Applies a seed manifest: a path to its JSON file, or the manifest itself (zip paths relative to `baseDir`). */
  seed(manifest: string | object, baseDir?: string): Promise<SeedResult>;
  stop(): Promise<void>;
}

/** `dataDir` → `STRATA_DATA_DIR` (a variable name stays as it is). */
function settingOf(option: string): string {
  const key = option.startsWith('STRATA_') ? option : `STRATA_${option.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
  if (!(CONFIG_KEYS as string[]).includes(key)) {
    throw new Error(`startStrata: unknown option '${option}' (options are the settings of strata --help, in camelCase)`);
  }
  return key;
}

export async function startStrata(options: StrataOptions = {}): Promise<RunningStrata> {
  const env: Record<string, string> = { STRATA_PORT: '0', STRATA_LOG_LEVEL: 'warn' };
  for (const [option, value] of Object.entries(options)) if (value !== undefined) env[settingOf(option)] = String(value);
  const ownDir = env.STRATA_DATA_DIR === undefined;
  if (ownDir) env.STRATA_DATA_DIR = await mkdtemp(join(tmpdir(), 'strata-'));
  const config = loadConfig(env);
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp(config);
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    // A listen that fails (the port taken) comes after the stores opened: closing the app closes them and frees the
    // data directory for the next start in this process.
    await app?.close().catch(() => undefined);
    if (ownDir) await rm(config.dataDir, { recursive: true, force: true });
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const limits = {
    maxBytes: Math.max(config.aws.maxUnzippedBytes, config.fc.maxCodeBytes),
    maxUnzippedBytes: Math.max(config.aws.maxUnzippedBytes, config.fc.maxUnzippedBytes),
  };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    dataDir: config.dataDir,
    config,
    app,
    reset: ({ layer, ...scope } = {}) => app.layers.reset({ ...scope, name: layer ?? scope.name }),
    seed: (manifest, baseDir = process.cwd()) =>
      typeof manifest === 'string' ? seedFromFile(app.layers, manifest, limits) : seed(app.layers, manifest, baseDir, limits),
    async stop() {
      await app.close();
      if (ownDir) await rm(config.dataDir, { recursive: true, force: true });
    },
  };
}
