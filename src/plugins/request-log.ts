/**
 * Logs a person can read: one line per request (method, path, operation, status, time, request id) instead of
 * Fastify's two JSON objects, none for health probes, and the other log lines in the same form. With
 * STRATA_LOG_FORMAT=json the same lines are one JSON object each (pino's), for log collectors.
 */
import type { FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { HEALTH_PATH } from '../routes/health-path.js';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino's own fields, and ours that the text form puts in place instead of in the trailing JSON. */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'request']);

/** Turns pino's JSON lines into text lines: `<time> <LEVEL> <message> <other fields as JSON>`. */
export function textLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = new Date(typeof o.time === 'number' ? o.time : Date.now()).toISOString();
  const level = (LEVELS[o.level as number] ?? String(o.level)).padEnd(5);
  const r = o.request as { method: string; path: string; operation: string; status: number; ms: number; id: string } | undefined;
  const message = r ? `${r.status} ${r.method} ${r.path} ${r.operation} ${r.ms.toFixed(1)} ms ${r.id}` : String(o.msg ?? '');
  const rest = Object.fromEntries(Object.entries(o).filter(([k]) => !SHOWN.has(k)));
  const err = rest.err as { message?: string; stack?: string } | undefined;
  if (err) rest.err = err.stack ?? err.message;
  return `${time} ${level} ${message}${Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ''}\n`;
}

/** Fastify's logger settings for the configured level and format. */
export function loggerOptions(config: Pick<Config, 'logLevel' | 'logFormat'>): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  if (config.logFormat === 'json') return { level: config.logLevel };
  return { level: config.logLevel, stream: { write: (line: string) => void process.stdout.write(textLine(line)) } };
}

/** Headers that carry the request id each surface hands its clients. */
const ID_HEADERS = ['x-amzn-requestid', 'x-fc-request-id', 'x-oss-request-id'];

export default fp<{ logLevel: Config['logLevel'] }>(async (app, opts) => {
  // A callback hook, and nothing built for a level that drops the line: it runs on every request.
  const logs = ['info', 'debug', 'trace'].includes(opts.logLevel);
  app.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?')[0]!;
    if (logs && path !== HEALTH_PATH) {
      const id = ID_HEADERS.map((h) => reply.getHeader(h)).find((v) => v !== undefined) ?? request.id;
      request.log.info({
        request: {
          method: request.method, path, operation: request.routeOptions.config.operation ?? '-', status: reply.statusCode,
          ms: reply.elapsedTime, id: String(id),
        },
      }, 'request');
    }
    done();
  });
}, { name: 'strata-request-log' });
