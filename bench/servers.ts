/**
 * The servers `npm run bench` compares, each started fresh in a process of its own on a free loopback port
 * with a temporary data directory: Strata (built, on each blob backend), the floor (bench/floor-server.mjs)
 * and the peers from PyPI (moto in server mode, ministack). A peer that is not installed, or does not start,
 * is reported as not run, with the reason.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess } from '../test/helpers/minio-server.js';

export interface Server {
  name: string;
  port: number;
  pid: number;
  /** From the spawn to the first answer. */
  startupMs: number;
  stop(): Promise<void>;
}

interface Launch {
  cmd: string;
  args?: string[];
  env?: Record<string, string>;
  /** Answers (any status) once the server is up. */
  probe: string;
}

async function launch(name: string, how: (port: number, dir: string) => Launch): Promise<Server> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-'));
  const { cmd, args = [], env = {}, probe } = how(port, dir);
  const spawned = performance.now();
  const child: ChildProcess = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-2000)));
  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`exited with ${child.exitCode}: ${stderr.trim().split('\n').slice(-2).join(' / ')}`);
    }
    try {
      await fetch(`http://127.0.0.1:${port}${probe}`);
      return { name, port, pid: child.pid!, startupMs: performance.now() - spawned, stop };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('did not answer within 60 s');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A built Strata: this checkout's, or the one in `checkout` (another commit, for before/after figures). */
export function startStrata(
  name: string, env: Record<string, string> = {}, nodeArgs: string[] = [], checkout = '.',
): Promise<Server> {
  return launch(name, (port, dir) => ({
    cmd: process.execPath,
    args: [...nodeArgs, join(checkout, 'dist/server.js')],
    env: { STRATA_DATA_DIR: dir, STRATA_PORT: String(port), STRATA_LOG_LEVEL: 'warn', ...env },
    probe: '/_strata/health',
  }));
}

/** `durability`: as STRATA_DURABILITY (bench/floor-server.mjs). */
export function startFloor(name: string, durability: 'process' | 'power'): Promise<Server> {
  return launch(name, (port, dir) => ({
    cmd: process.execPath, args: ['bench/floor-server.mjs', String(port), dir, durability], probe: '/',
  }));
}

/** moto from the project's Python environment (scripts/python-clients.sh installs it), in server mode. */
export function startMoto(): Promise<Server> {
  const bin = '.cache/py/bin/moto_server';
  if (!existsSync(bin) && spawnSync('bash', ['scripts/python-clients.sh'], { stdio: 'ignore' }).status !== 0) {
    return Promise.reject(new Error('does not install (bash scripts/python-clients.sh)'));
  }
  return launch(`moto ${pythonPackageVersion('.cache/py', 'moto')}`, (port) => ({
    cmd: bin, args: ['-H', '127.0.0.1', '-p', String(port)], probe: '/moto-api/',
  }));
}

/**
 * ministack pins a botocore older than the AWS clients' (scripts/python-constraints.txt), so it cannot share
 * their environment: scripts/python-ministack.sh gives it one of its own.
 */
export function startMinistack(): Promise<Server> {
  const install = spawnSync('bash', ['scripts/python-ministack.sh'], { encoding: 'utf8' });
  if (install.status !== 0) return Promise.reject(new Error(`does not install: ${lastLine(install.stderr)}`));
  return launch(`ministack ${pythonPackageVersion('.cache/py-ministack', 'ministack')}`, (port, dir) => ({
    cmd: '.cache/py-ministack/bin/ministack',
    env: { GATEWAY_PORT: String(port), MINISTACK_HOST: '127.0.0.1', TMPDIR: dir, LOG_LEVEL: 'WARNING' },
    probe: '/_ministack/health',
  }));
}

function pythonPackageVersion(venv: string, pkg: string): string {
  const out = spawnSync(`${venv}/bin/python`, ['-c', `import importlib.metadata as m; print(m.version('${pkg}'))`], {
    encoding: 'utf8',
  });
  return out.stdout.trim();
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

/**
 * What a set-up script of scripts/ prints (the path of what it built or found, e.g. scripts/minio.sh's server
 * binary), or undefined when it fails (no Go for MinIO, no PostgreSQL installed).
 */
export function scriptOutput(script: string): string | undefined {
  try {
    return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch {
    return undefined;
  }
}
