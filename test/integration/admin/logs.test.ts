/**
 * Logs a person can read: one line per request (method, path, operation, status, time, request id), none for
 * health probes, and the JSON form with STRATA_LOG_FORMAT=json. Strata as a real process: the lines are what its
 * terminal shows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lambdaClient, publish, rawRequest } from '../../helpers/aws.js';
import { freePort, killHard, ready, spawnStrata, type StrataProcess } from '../../helpers/process.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Starts Strata at log level info, publishes one version, asks for a missing one, probes health; returns its output. */
async function traffic(format: 'text' | 'json'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-logs-'));
  dirs.push(dir);
  const p: StrataProcess = spawnStrata(dir, await freePort(), { STRATA_LOG_LEVEL: 'info', STRATA_LOG_FORMAT: format });
  try {
    await ready(p);
    const lambda = lambdaClient(p.url);
    await publish(lambda, 'logged');
    // Signed (for real when Strata verifies signatures), so that the line shows the 404, not a 403.
    await rawRequest(p.url, '/2018-10-31/layers/logged/versions/7');
    for (let i = 0; i < 3; i++) await fetch(`${p.url}/_strata/health`);
    lambda.destroy();
    await new Promise((r) => setTimeout(r, 200));
    return p.output();
  } finally {
    await killHard(p);
  }
}

const TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('request logs', () => {
  it('Request: one readable line per request by default, none for health probes', async () => {
    const out = await traffic('text');
    const lines = out.split('\n').filter((l) => / (INFO|WARN|ERROR) /.test(l));
    const requests = lines.filter((l) => /^\S+ INFO {2}\d{3} /.test(l));
    expect(requests, out).toHaveLength(2);
    expect(requests[0]).toMatch(new RegExp(`^${TIME} INFO  201 POST /2018-10-31/layers/logged/versions PublishLayerVersion \\d+\\.\\d ms ${UUID}$`));
    expect(requests[1]).toMatch(new RegExp(`^${TIME} INFO  404 GET /2018-10-31/layers/logged/versions/7 GetLayerVersion \\d+\\.\\d ms ${UUID}$`));
    expect(out).not.toContain('/_strata/health');
    // Nothing in Fastify's two-objects-per-request form.
    expect(out).not.toContain('incoming request');
    expect(out).not.toContain('request completed');
  });

  it('Request: STRATA_LOG_FORMAT=json gives one JSON object per line, with the same fields', async () => {
    const out = await traffic('json');
    const objects = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    const requests = objects.filter((o) => o.request);
    expect(requests.map((o) => [o.level, o.request.method, o.request.path, o.request.operation, o.request.status])).toEqual([
      [30, 'POST', '/2018-10-31/layers/logged/versions', 'PublishLayerVersion', 201],
      [30, 'GET', '/2018-10-31/layers/logged/versions/7', 'GetLayerVersion', 404],
    ]);
    for (const o of requests) {
      expect(typeof o.request.ms).toBe('number');
      expect(o.request.id).toMatch(new RegExp(`^${UUID}$`));
      expect(typeof o.time).toBe('number');
    }
  });
});
