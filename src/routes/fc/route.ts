import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { FcApiVersion, FcOperation } from './api-versions.js';
import { callerOf, type FcCaller } from './caller.js';

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

export function route(
  app: FastifyInstance, api: FcApiVersion, method: HTTPMethods, url: string, operation: FcOperation, handler: FcHandler,
): void {
  app.route({
    method,
    url,
    config: { fcOperation: operation },
    handler: (request, reply) => handler({ api, request, reply, caller: callerOf(request, app.config.fc) }),
  });
}
