/**
 * How JSON responses of routes with a response schema are written. Each dialect's serializers build responses in
 * their wire shape, so they are sent as they are: checking every response against its zod schema on the way out
 * (what fastify-type-provider-zod's serializer does) cost a 1 KB publish about 4% of its CPU (bench/profile.ts).
 * With STRATA_CHECK_RESPONSES=on (the test suite's setting) each response is still checked, and one that breaks its
 * schema, or carries a member the schema does not document, fails the request instead of reaching the client.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FastifySchema, FastifySerializerCompiler } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';

type Compiler = FastifySerializerCompiler<FastifySchema>;

export function responseSerializer(check: boolean): Compiler {
  if (!check) return () => (data) => JSON.stringify(data);
  return (route) => {
    // Throws ResponseSerializationError (a 500) for a response its schema refuses; returns what the schema keeps.
    const checked = (serializerCompiler as unknown as Compiler)(route);
    return (data) => {
      const sent = JSON.stringify(data);
      const kept = checked(data);
      if (!isDeepStrictEqual(JSON.parse(kept), JSON.parse(sent))) {
        throw new Error(`${route.method} ${route.url}: the response has members its schema does not document: ${sent.slice(0, 500)}`);
      }
      return sent;
    };
  };
}
