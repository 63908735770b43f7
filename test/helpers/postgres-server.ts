/**
 * vitest globalSetup of the `postgres` project: a private PostgreSQL server on loopback (initdb into a temporary
 * directory, pg_ctl on a free port), its address handed to the tests (`inject('postgres')`), stopped after the run.
 * PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user (Debian's package makes
 * it) and is run through runuser.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { freePort } from './minio-server.js';

export interface PostgresServer {
  /** postgres://… of a superuser on the server's `postgres` database, to create a database per test Strata. */
  adminUrl: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    postgres: PostgresServer;
  }
}

/** `durable`: fsync and synchronous commits on, as a real deployment runs (the benchmark); off for tests. */
export async function startPostgres(binDir: string, { durable = false } = {}): Promise<PostgresServer & { stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chmodSync(dir, 0o755);
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) => {
    const cmd = join(binDir, tool);
    return asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  };
  // Trust on loopback: a throwaway cluster. For tests fsync is off: nothing there needs to survive a power cut.
  run('initdb', ['-D', data, '-U', 'strata', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  const fast = durable ? '' : ' -c fsync=off -c synchronous_commit=off';
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o',
    `-p ${port} -h 127.0.0.1 -k ${dir}${fast} -c max_connections=300`, 'start']);
  const adminUrl = `postgres://strata@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A new, empty database on the server; its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export default async function setup(project: TestProject) {
  const bin = process.env.STRATA_TEST_POSTGRES_BIN;
  if (!bin) throw new Error('STRATA_TEST_POSTGRES_BIN is not set');
  const server = await startPostgres(bin);
  project.provide('postgres', { adminUrl: server.adminUrl });
  return () => server.stop();
}
