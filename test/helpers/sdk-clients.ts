/**
 * The Java and Go SDK client programs (test/clients/), built by `npm test`'s set-up (scripts/java-clients.sh,
 * scripts/go-clients.sh), which records where in .cache/java-clients and .cache/go-clients. Each program runs one
 * layer lifecycle against the Strata at STRATA_ENDPOINT and prints one JSON object of what its SDK parsed.
 * Without a build, CI fails and a developer is told which tests did not run.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from './app.js';
import { keyFor } from './auth.js';

const run = promisify(execFile);

/** The fixture zip every client publishes, with its digests written out (sha256sum; fc-vectors.json crc64.zips). */
export const CLIENT_ZIP = {
  path: resolve('test/fixtures/zips/fcpy_hello_world.zip'),
  size: 586,
  sha256Base64: 'KSUFQOLo6F1QwWM/aaSjZZ7w/rIU5JOwkrJYqB2FHlA=',
  crc64: '304780036263617532',
};

export interface SdkClient {
  /** What the program printed, parsed. */
  run(endpoint: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function recorded(file: string, what: string, script: string): string | undefined {
  const path = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (path !== '' && existsSync(path)) return path;
  const why = `${what} not built (run ${script}; \`npm test\` does)`;
  if (process.env.CI) throw new Error(`${why}: these tests cannot run`);
  console.warn(`\n*** ${why}: these tests did NOT run. ***\n`);
  return undefined;
}

/** Environment of a client run: no AWS settings of the developer's leak in. */
function clientEnv(endpoint: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('ALIBABA_CLOUD_')));
  return { ...env, STRATA_ENDPOINT: endpoint, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
}

/** Runs a program; a failure reports what it wrote on stderr (the SDK's exception), not the command line. */
async function runJson(file: string, args: string[], endpoint: string, env: NodeJS.ProcessEnv = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  let stdout: string;
  try {
    ({ stdout } = await run(file, [...args, CLIENT_ZIP.path], { env: { ...clientEnv(endpoint), ...env }, maxBuffer: 16 * 1024 * 1024 }));
  } catch (err) {
    const e = err as { code?: unknown; stderr?: string };
    throw new Error(`${[file, ...args].join(' ')} failed (exit ${String(e.code)}):\n${e.stderr ?? String(err)}`);
  }
  return JSON.parse(stdout);
}

/** A Java program of test/clients/java (`strata.clients.<main>`), or undefined when it is not built. */
export function javaClient(main: 'AwsLayers' | 'FcLayers'): SdkClient | undefined {
  const dir = recorded('.cache/java-clients', 'the Java clients', 'scripts/java-clients.sh');
  if (!dir) return undefined;
  const classpath = `${join(dir, 'classes')}:${readFileSync(join(dir, 'classpath.txt'), 'utf8').trim()}`;
  return { run: (endpoint) => runJson('java', [`strata.clients.${main}`], endpoint, { CLASSPATH: classpath }) };
}

/** The Go program of test/clients/go-aws, or undefined when it is not built. */
export function goClient(): SdkClient | undefined {
  const bin = recorded('.cache/go-clients', 'the Go client', 'scripts/go-clients.sh');
  return bin ? { run: (endpoint) => runJson(bin, [], endpoint) } : undefined;
}

/**
 * Starts Strata before the suite's tests and runs the client once against it; the returned function gives what
 * the client printed. Strata stops after the suite.
 */
export function runOnce(client: SdkClient | undefined): () => any { // eslint-disable-line @typescript-eslint/no-explicit-any
  let t: TestApp | undefined;
  let out: unknown;
  beforeAll(async () => {
    if (!client) return;
    t = await startTestApp();
    // The programs sign with the key `test` and secret `test`: registered for both clouds when Strata verifies.
    keyFor(t.url, 'aws', 'test', 'test');
    keyFor(t.url, 'fc', 'test', 'test');
    out = await client.run(t.url);
  });
  afterAll(() => t?.close());
  return () => out;
}
