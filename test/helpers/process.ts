/**
 * Strata as a real process (`node --import tsx src/server.ts`), for what an in-process server cannot show: kill -9,
 * two processes on one data directory, exit codes and what a person sees on the terminal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { registerApp, verifyEnv } from './auth.js';

const ROOT = resolve(import.meta.dirname, '../..');

export interface StrataProcess {
  proc: ChildProcess;
  url: string;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the exit code (or signal) once it exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A loopback port free right now. */
export function freePort(): Promise<number> {
  return new Promise((done) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

/** Starts Strata on `dataDir`; does not wait for it (see `ready`). */
export function spawnStrata(dataDir: string, port: number, env: Record<string, string> = {}): StrataProcess {
  // Verifying (test/helpers/auth.ts): the credentials file sits beside the data directory and outlives restarts.
  env = { ...env, ...verifyEnv(env, `${dataDir}.credentials`) };
  registerApp(`http://127.0.0.1:${port}`, env);
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, STRATA_DATA_DIR: dataDir, STRATA_PORT: String(port), STRATA_HOST: '127.0.0.1',
      STRATA_LOG_LEVEL: 'warn', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = once(proc, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { proc, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

/** Waits until the process answers its health route (or exits, which fails). */
export async function ready(p: StrataProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Strata exited before it was ready:\n${p.output()}`);
    try {
      const res = await fetch(`${p.url}/_strata/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Strata was not ready within ${timeoutMs} ms:\n${p.output()}`);
}

/** SIGKILL, and wait for the kernel to have reaped it. */
export async function killHard(p: StrataProcess): Promise<void> {
  if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  await p.exited;
}
