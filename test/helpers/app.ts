import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

export interface TestApp {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  url: string;
  dataDir: string;
  /** Stops the server and removes its data directory. */
  close(): Promise<void>;
  /** Stops the server and starts a new one on the same data directory and port. */
  restart(): Promise<TestApp>;
}

/** Starts Strata on a free loopback port with a fresh data directory (or the one given). */
export async function startTestApp(env: Record<string, string> = {}, existingDir?: string, port = 0): Promise<TestApp> {
  const dataDir = existingDir ?? (await mkdtemp(join(tmpdir(), 'strata-test-')));
  const config = loadConfig({ STRATA_DATA_DIR: dataDir, STRATA_LOG_LEVEL: 'silent', STRATA_PORT: String(port), ...env });
  const app = await buildApp(config);
  await app.listen({ host: '127.0.0.1', port: config.port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://127.0.0.1:${boundPort}`;
  return {
    app,
    url,
    dataDir,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await app.close();
      return startTestApp(env, dataDir, boundPort);
    },
  };
}
