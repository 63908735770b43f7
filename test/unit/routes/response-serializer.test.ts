/**
 * How responses with a schema are written: as built, and with STRATA_CHECK_RESPONSES=on (the test suite's setting)
 * checked against the schema first, so that a response the schema does not describe fails instead of being sent.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { responseSerializer } from '../../../src/routes/response-serializer.js';

const Answer = z.object({ Name: z.string(), Version: z.number().int() });
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A server whose one route answers `body` under the schema above; returns its answer to a GET. */
async function answerOf(check: boolean, body: unknown): Promise<{ status: number; text: string }> {
  app = Fastify();
  app.setSerializerCompiler(responseSerializer(check));
  app.get('/', { schema: { response: { 200: Answer } } }, async () => body);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

describe('response serializer', () => {
  it('responses: a response that matches its schema is sent exactly as built, checked or not', async () => {
    for (const check of [true, false]) {
      expect(await answerOf(check, { Version: 3, Name: 'x' })).toEqual({ status: 200, text: '{"Version":3,"Name":"x"}' });
    }
  });

  it('responses: with the check on, a member the schema does not document fails the request', async () => {
    const { status, text } = await answerOf(true, { Name: 'x', Version: 3, Secret: 'internal' });
    expect(status).toBe(500);
    expect(JSON.parse(text).message).toContain('the response has members its schema does not document');
  });

  it('responses: with the check on, a member of the wrong type fails the request', async () => {
    const { status } = await answerOf(true, { Name: 'x', Version: '3' });
    expect(status).toBe(500);
  });

  it('responses: with the check off, the response is sent as built', async () => {
    expect(await answerOf(false, { Name: 'x', Version: 3, Extra: true })).toEqual({
      status: 200, text: '{"Name":"x","Version":3,"Extra":true}',
    });
  });
});
