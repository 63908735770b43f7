/**
 * vitest globalSetup of the `minio` project: starts a real MinIO server on loopback with a temporary data
 * directory, hands its address to the tests (`inject('minio')`), and stops it after the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface MinioServer {
  endpoint: string;
  accessKey: string;
  secretKey: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    minio: MinioServer;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** SIGTERM, then SIGKILL after 10 s: a run must never hang on a server that does not stop. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startMinio(bin: string): Promise<MinioServer & { stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-minio-'));
  const [port, consolePort] = [await freePort(), await freePort()];
  const accessKey = 'strata-test';
  const secretKey = 'strata-test-secret';
  const child: ChildProcess = spawn(bin, ['server', dir, '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, '--quiet'], {
    env: { ...process.env, MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey, MINIO_BROWSER: 'off' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`MinIO exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${endpoint}/minio/health/live`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`MinIO did not start within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    accessKey,
    secretKey,
    async stop() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  const bin = process.env.STRATA_TEST_MINIO_BIN;
  if (!bin) throw new Error('STRATA_TEST_MINIO_BIN is not set');
  const server = await startMinio(bin);
  project.provide('minio', { endpoint: server.endpoint, accessKey: server.accessKey, secretKey: server.secretKey });
  return () => server.stop();
}
