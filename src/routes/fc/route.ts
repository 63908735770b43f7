import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { z } from 'zod';
import type { FcApiVersion, FcOperation } from './api-versions.js';
import { callerOf, type FcCaller } from './caller.js';
import { responsesOf } from './responses.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    fcOperation?: FcOperation;
  }
}

export interface FcContext {
  api: FcApiVersion;
  request: FastifyRequest;
  reply: FastifyReply;
  caller: FcCaller;
}

export type FcHandler = (ctx: FcContext) => Promise<unknown>;

/** What documents a route (openapi/); requests are parsed by the handlers with the same schemas. */
export interface FcRouteDoc {
  summary: string;
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
}

export function route(
  app: FastifyInstance, api: FcApiVersion, method: HTTPMethods, url: string, operation: FcOperation,
  doc: FcRouteDoc, handler: FcHandler,
): void {
  app.route({
    method,
    url,
    schema: { operationId: operation, tags: [`Function Compute ${api}`], ...doc, response: responsesOf(api)[operation] },
    config: { fcOperation: operation, surface: `fc-${api}`, operation },
    handler: (request, reply) => handler({ api, request, reply, caller: callerOf(request, app.config.fc) }),
  });
}
