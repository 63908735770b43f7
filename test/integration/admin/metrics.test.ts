/**
 * /_strata/metrics in the Prometheus text format, parsed and checked after known traffic through the SDKs.
 */
import { GetLayerVersionCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { errorOf, lambdaClient, publish } from '../../helpers/aws.js';
import { create23, fc23 } from '../../helpers/fc.js';
import { makeZip } from '../../helpers/zips.js';

let t: TestApp;
beforeAll(async () => (t = await startTestApp()));
afterAll(() => t?.close());

/** `name{a="1",b="2"} value` lines as [name, labels, value]; comments skipped. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((line) => {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    return { name: m[1]!, labels, value: Number(m[3]) };
  });
}

const value = (all: ReturnType<typeof samples>, name: string, labels: Record<string, string> = {}) =>
  all.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('metrics', () => {
  it('GetMetrics: counts requests, latency, bytes and what the store holds, after known traffic', async () => {
    const lambda = lambdaClient(t.url);
    const zips = await Promise.all([1, 2, 3].map((i) => makeZip({ [`f${i}.txt`]: 'x'.repeat(1000 * i) })));
    for (const zip of zips) await publish(lambda, 'counted', { Content: { ZipFile: zip } });
    await errorOf(lambda.send(new GetLayerVersionCommand({ LayerName: 'counted', VersionNumber: 9 })));
    const fcZip = await makeZip({ 'fc.txt': 'fc' });
    await create23(fc23(t.url), 'counted-fc', fcZip);
    for (let i = 0; i < 4; i++) await fetch(`${t.url}/_strata/health`);
    lambda.destroy();

    const res = await fetch(`${t.url}/_strata/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const all = samples(await res.text());
    expect(value(all, 'strata_requests_total', { surface: 'aws', operation: 'PublishLayerVersion', status: '201' })).toBe(3);
    expect(value(all, 'strata_requests_total', { surface: 'aws', operation: 'GetLayerVersion', status: '404' })).toBe(1);
    expect(value(all, 'strata_requests_total', { surface: 'fc-2023-03-30', operation: 'CreateLayerVersion', status: '200' })).toBe(1);
    expect(value(all, 'strata_requests_total', { surface: 'strata', operation: 'GetHealth', status: '200' })).toBe(4);
    expect(value(all, 'strata_request_duration_seconds_count', { surface: 'aws', operation: 'PublishLayerVersion' })).toBe(3);
    expect(value(all, 'strata_request_duration_seconds_bucket', { surface: 'aws', operation: 'PublishLayerVersion', le: '+Inf' })).toBe(3);
    // The bodies carried the zips in base64: at least 4/3 of their bytes arrived.
    const zipped = zips.reduce((n, z) => n + z.length, 0);
    expect(value(all, 'strata_received_bytes_total', { surface: 'aws' })).toBeGreaterThanOrEqual(Math.floor((zipped * 4) / 3));
    expect(value(all, 'strata_layers', { cloud: 'aws' })).toBe(1);
    expect(value(all, 'strata_layer_versions', { cloud: 'aws' })).toBe(3);
    expect(value(all, 'strata_stored_bytes', { cloud: 'aws' })).toBe(zipped);
    expect(value(all, 'strata_layers', { cloud: 'fc' })).toBe(1);
    expect(value(all, 'strata_stored_bytes', { cloud: 'fc' })).toBe(fcZip.length);
    expect(all.filter((s) => s.name === 'strata_blob_store_errors_total')).toEqual([]);
  });
});
