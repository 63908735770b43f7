/**
 * Prometheus metrics at /_strata/metrics (prom-client, the maintained Node client): requests by surface, operation
 * and status, latency, bytes received, what the store holds (read when scraped), and blob-store errors. Each app
 * has a registry of its own, so several Stratas in one process (tests, the in-process API) never mix their counts.
 */
import fp from 'fastify-plugin';
import { z } from 'zod';
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';
import type { Socket } from 'node:net';

// The four classes are loaded from their own modules: prom-client's index also loads the summary (with its t-digest
// library), the push gateway (node:http and https clients), the default process metrics and the cluster aggregator,
// about 11 MiB of resident memory at start (`require` of the index vs of these four, Node 20) that Strata never uses.
// The package has no `exports` map, so its files are addressable; the types are the index's.
const load = createRequire(import.meta.url);
const Counter: typeof PromClient.Counter = load('prom-client/lib/counter');
const Gauge: typeof PromClient.Gauge = load('prom-client/lib/gauge');
const Histogram: typeof PromClient.Histogram = load('prom-client/lib/histogram');
const Registry: typeof PromClient.Registry = load('prom-client/lib/registry');
type Counter<T extends string> = PromClient.Counter<T>;
type Registry = PromClient.Registry;

declare module 'fastify' {
  interface FastifyInstance {
    metrics: StrataMetrics;
  }
  interface FastifyContextConfig {
    /** Which API a route belongs to (`aws`, `fc-2023-03-30`, `strata`…), for metrics and logs. */
    surface?: string;
    /** The operation a route serves, in its API's own name. */
    operation?: string;
  }
}

export interface StrataMetrics {
  registry: Registry;
  blobStoreErrors: Counter<'operation'>;
}

/** Counts the failures of a blob store's operations, passing every call and result through unchanged. */
export function countFailures<T extends object>(target: T, counter: Counter<'operation'>): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const out = value.apply(obj, args);
          return out instanceof Promise ? out.catch((err: unknown) => {
            counter.inc({ operation: String(prop) });
            throw err;
          }) : out;
        } catch (err) {
          counter.inc({ operation: String(prop) });
          throw err;
        }
      };
    },
  });
}

export default fp(async (app) => {
  const registry = new Registry();
  const labels = ['surface', 'operation', 'status'] as const;
  const requests = new Counter({ name: 'strata_requests_total', help: 'Requests answered', labelNames: labels, registers: [registry] });
  const duration = new Histogram({
    name: 'strata_request_duration_seconds', help: 'Time from the request to its answer', labelNames: ['surface', 'operation'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
  });
  const received = new Counter({
    name: 'strata_received_bytes_total', help: 'Bytes received in requests (heads and bodies)', labelNames: ['surface'], registers: [registry],
  });
  const blobStoreErrors = new Counter({
    name: 'strata_blob_store_errors_total', help: 'Blob store operations that failed', labelNames: ['operation'], registers: [registry],
  });
  const held = (name: string, help: string, pick: (s: { layers: number; versions: number; storedBytes: number }) => number) =>
    new Gauge({
      name, help, labelNames: ['cloud'], registers: [registry],
      async collect() {
        const stats = await app.layers.stats();
        this.reset();
        for (const s of stats) this.set({ cloud: s.cloud }, pick(s));
      },
    });
  held('strata_layers', 'Layers with at least one version', (s) => s.layers);
  held('strata_layer_versions', 'Layer versions held', (s) => s.versions);
  held('strata_stored_bytes', 'Bytes of layer content held (zips as published)', (s) => s.storedBytes);

  app.decorate('metrics', { registry, blobStoreErrors });
  // What a connection had received when its last request was answered: the next request's bytes are what it
  // received since (a head's bytes arrive before any hook runs, so they cannot be counted from a request's start).
  const counted = new WeakMap<Socket, number>();
  // A callback hook: it runs on every request, with one promise and microtask less than an async one.
  app.addHook('onResponse', (request, reply, done) => {
    const { surface = 'none', operation = 'none' } = request.routeOptions.config;
    requests.inc({ surface, operation, status: String(reply.statusCode) });
    duration.observe({ surface, operation }, reply.elapsedTime / 1000);
    const socket = request.raw.socket as Socket | null;
    if (socket) {
      received.inc({ surface }, Math.max(0, socket.bytesRead - (counted.get(socket) ?? 0)));
      counted.set(socket, socket.bytesRead);
    }
    done();
  });

  app.get('/_strata/metrics', {
    config: { surface: 'strata', operation: 'GetMetrics' },
    schema: {
      tags: ['Strata'],
      operationId: 'GetMetrics',
      summary: 'Metrics in the Prometheus text format',
      response: { 200: { description: 'Prometheus exposition format 0.0.4', content: { 'text/plain': { schema: z.string() } } } },
    },
  }, async (_request, reply) => reply.type(registry.contentType).serializer((s: unknown) => s as string).send(await registry.metrics()));
}, { name: 'strata-metrics' });
