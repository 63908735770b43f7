/**
 * A Strata whose PostgreSQL goes away: health says so (503, metadata unreachable), each dialect answers with its
 * cloud's service error instead of hanging or crashing, and everything works again once the server is back.
 * PostgreSQL is reached through a loopback relay that the test cuts and restores. The `postgres` project only.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GetLayerVersionCommand, ListLayersCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDatabase } from '../../helpers/postgres-server.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { errorOf, lambdaClient, publish, rawOf, rawRequest } from '../../helpers/aws.js';
import { expectRawFc3Error } from '../../helpers/fc.js';

/** A TCP relay to `target` that can drop every connection and refuse new ones, then let them through again. */
async function relay(target: URL) {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe('the metadata store goes away', () => {
  let t: TestApp;
  let link: Awaited<ReturnType<typeof relay>>;
  beforeAll(async () => {
    const direct = new URL(await createDatabase(inject('postgres').adminUrl, `strata_down_${Date.now()}`));
    link = await relay(direct);
    const viaRelay = new URL(direct);
    viaRelay.port = String(link.port);
    t = await startTestApp({ STRATA_METADATA_URL: viaRelay.toString() });
  });
  afterAll(async () => {
    link.restore();
    await t.close();
    await link.close();
  });

  it('GetHealth / GetLayerVersion / ListLayers (FC): PostgreSQL unreachable is 503 in health and each cloud\'s service error, until it is back', async () => {
    const client = lambdaClient(t.url);
    try {
      const published = await publish(client, 'while-up');
      expect((await fetch(`${t.url}/_strata/health`)).status).toBe(200);

      link.cut();
      const res = await fetch(`${t.url}/_strata/health`);
      expect(res.status).toBe(503);
      const health = (await res.json()) as { status: string; metadata: { type: string; reachable: boolean; error?: string } };
      expect(health.status).toBe('degraded');
      expect(health.metadata.type).toBe('postgres');
      expect(health.metadata.reachable).toBe(false);
      expect(health.metadata.error).toEqual(expect.any(String));

      // AWS: ServiceException, 500, as Lambda answers its own internal failures (Type "Service").
      const err = await errorOf(client.send(new GetLayerVersionCommand({ LayerName: 'while-up', VersionNumber: 1 })));
      expect(err.name).toBe('ServiceException');
      expect(rawOf(err).status).toBe(500);
      expect(rawOf(err).json).toMatchObject({ Type: 'Service' });
      expect(String((rawOf(err).json as { Message?: string }).Message)).toMatch(/^Strata's metadata store cannot be reached \(.+\)\.$/);
      // FC: InternalServerError, 500, in FC's body shape.
      const fc = await rawRequest(t.url, '/2023-03-30/layers');
      expectRawFc3Error(fc, { status: 500, code: 'InternalServerError', message: 'an internal error has occurred. Please retry.' });

      link.restore();
      const deadline = Date.now() + 15_000;
      while ((await fetch(`${t.url}/_strata/health`)).status !== 200) {
        if (Date.now() > deadline) throw new Error('health did not come back');
        await new Promise((r) => setTimeout(r, 200));
      }
      const got = await client.send(new GetLayerVersionCommand({ LayerName: 'while-up', VersionNumber: 1 }));
      expect(got.Content!.CodeSha256).toBe(published.Content!.CodeSha256);
      expect((await client.send(new ListLayersCommand({}))).Layers!.map((l) => l.LayerName)).toEqual(['while-up']);
    } finally {
      client.destroy();
    }
  });
});
