/**
 * Fuzzing: schemathesis (from PyPI, in .cache/py) sends generated requests, valid and invalid, to a live Strata
 * for every operation of every OpenAPI document, and fails on any 5xx, any response whose status, content type
 * or body the document does not describe (so a non-JSON error body fails too). Bounded: a fixed number of
 * examples per operation, and a fixed seed so a failure can be replayed.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTS } from '../../src/openapi/documents.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const run = promisify(execFile);
const ST = resolve('.cache/py/bin/st');
const haveSchemathesis = existsSync(ST);
if (!haveSchemathesis) {
  if (process.env.CI) throw new Error(`schemathesis missing (${ST}): run scripts/python-clients.sh`);
  console.warn(`fuzz: the schemathesis runs did NOT happen (no ${ST}; run scripts/python-clients.sh)`);
}

const EXAMPLES_PER_OPERATION = 25;
const SEED = 20261121;
const CHECKS = 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance';

describe.skipIf(!haveSchemathesis)('schemathesis', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  for (const doc of DOCUMENTS) {
    it(`fuzz: ${doc.name} answers every generated request as documented`, { timeout: 300_000 }, async () => {
      const args = ['run', `openapi/${doc.name}.yaml`, '--url', t.url, '--checks', CHECKS, '--max-examples', String(EXAMPLES_PER_OPERATION), '--seed', String(SEED), '--no-color', '--generation-database', 'none'];
      const result = await run(ST, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: `${err.stdout}\n${err.stderr}` }),
      );
      // On failure, schemathesis' own report (with a curl command per failing case) is the assertion message.
      expect(result.code, result.stdout.slice(-20_000)).toBe(0);
      // Every operation was reached, and cases were generated.
      const selected = /Selected: (\d+)\/(\d+)/.exec(result.stdout);
      expect(selected, result.stdout.slice(-2000)).not.toBeNull();
      expect(selected![1], 'operations selected').toBe(selected![2]);
      expect(result.stdout).toMatch(new RegExp(`Tested: ${selected?.[1]}\\b`));
      const generated = /(\d+) generated, (\d+) passed/.exec(result.stdout);
      expect(generated).not.toBeNull();
      expect(Number(generated![1])).toBeGreaterThan(0);
      expect(generated![2]).toBe(generated![1]);
    });
  }
});
