/**
 * The console's JSON API: request parts (parsed by the handlers, see parse()) and responses (checked on the way out
 * and described in openapi/strata.yaml).
 */
import { z } from 'zod';
import { ConsoleError } from './errors.js';

export const ScopeParams = z.object({
  cloud: z.enum(['aws', 'fc']).describe('aws or fc'),
  account: z.string().regex(/^\d{1,32}$/, 'An account ID is digits only').describe('Account ID'),
  region: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'A region is lower-case letters, digits and -').describe('Region, e.g. us-east-1 or cn-hangzhou'),
});
export const LayerParams = ScopeParams.extend({
  name: z.string().min(1).max(140, 'A layer name is at most 140 characters').describe('Layer name'),
});
export const VersionParams = LayerParams.extend({
  version: z.string().regex(/^[1-9]\d{0,14}$/, 'A version is a whole number from 1').transform(Number).describe('Version number, from 1'),
});
export const GrantParams = VersionParams.extend({ statementId: z.string().min(1).describe('Statement ID') });

export const LayersQuery = z.object({ start: z.string().optional().describe('The name to list from (a `next` of an earlier page)') });
export const VersionsQuery = z.object({
  start: z.string().regex(/^\d{1,15}$/, 'start is a version number').transform(Number).optional()
    .describe('The version to list from, downwards (a `next` of an earlier page)'),
});
export const UploadQuery = z.object({
  content: z.enum(['zip', 'folder']).describe('zip: one file part `zip`; folder: file parts `file` named by their percent-encoded relative paths, each optionally after an `mtime` field (epoch ms)'),
});

const binary = (description: string) => z.string().meta({ format: 'binary' }).describe(description);

/** Documents the form; upload.ts reads it part by part as it arrives. */
export const UploadForm = z.object({
  description: z.string().optional(),
  license: z.string().optional(),
  runtime: z.array(z.string()).optional().describe('One field per compatible runtime'),
  architecture: z.array(z.string()).optional().describe('One field per compatible architecture (AWS)'),
  zip: binary('content=zip: the zip, after the fields above').optional(),
  mtime: z.array(z.string()).optional().describe('content=folder: the next file part\'s modification time, in epoch milliseconds'),
  file: z.array(binary('A file; its filename is its percent-encoded path relative to the folder')).optional()
    .describe('content=folder: the files, in the order to zip them'),
});

export const GrantBody = z.object({
  statementId: z.string(),
  principal: z.string().describe('An account ID, * for everyone, or an account root ARN'),
  organizationId: z.string().nullish().describe('With principal *, only accounts of this organization'),
});
export const AclBody = z.object({ public: z.boolean().describe('true: every account may use every version') });

/** Request parts are parsed here, not by Fastify, so a refusal is worded for the page. */
export function parse<T extends z.ZodType>(schema: T, data: unknown): z.output<T> {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw new ConsoleError(400, 'InvalidRequest', `${field ? `${field}: ` : ''}${issue.message}.`);
}

const Scope = z.object({ cloud: z.enum(['aws', 'fc']), account: z.string(), region: z.string() });

export const Overview = z.object({
  clouds: z.array(z.object({
    cloud: z.enum(['aws', 'fc']),
    title: z.string(),
    access: z.enum(['policy', 'acl']),
    runtimes: z.array(z.string()),
    architectures: z.array(z.string()),
    limits: z.object({ maxZippedBytes: z.number(), maxUnzippedBytes: z.number() }),
    defaultScope: z.object({ account: z.string(), region: z.string() }),
  })),
  scopes: z.array(Scope.extend({ layers: z.number(), versions: z.number() })),
});

export const LayerList = z.object({
  layers: z.array(z.object({
    name: z.string(),
    latestVersion: z.number(),
    createdAt: z.string(),
    description: z.string().nullable(),
    isPublic: z.boolean(),
  })),
  next: z.string().nullable(),
});

const VersionItem = z.object({
  version: z.number(),
  createdAt: z.string(),
  size: z.number(),
  description: z.string().nullable(),
  compatibleRuntimes: z.array(z.string()).nullable(),
  compatibleArchitectures: z.array(z.string()).nullable(),
});
export const VersionList = z.object({ versions: z.array(VersionItem), next: z.number().nullable() });

export const Policy = z.object({
  document: z.string().nullable().describe('The document GetLayerVersionPolicy returns; null while nothing is granted'),
  revision: z.string().nullable(),
  grants: z.array(z.object({
    statementId: z.string(),
    action: z.string(),
    principal: z.string(),
    organizationId: z.string().nullable(),
  })),
}).meta({ id: 'ConsolePolicy' });

export const VersionDetail = Scope.extend(VersionItem.shape).extend({
  name: z.string(),
  license: z.string().nullable(),
  isPublic: z.boolean(),
  checksum: z.object({ name: z.string(), algorithm: z.string(), value: z.string() }),
  sha256Hex: z.string(),
  downloadUrl: z.string(),
  responses: z.array(z.object({ api: z.string(), operation: z.string(), body: z.unknown() })),
  policy: Policy.nullable().describe('AWS: the version policy; FC: null (see isPublic)'),
}).meta({ id: 'ConsoleVersion' });

export const ErrorBody = z.object({ code: z.string(), message: z.string().describe('Why, in plain words') })
  .meta({ id: 'ConsoleError', description: 'A console refusal' });

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } });

/** A console API route's schema: its parts, its success response, and the error responses every route may give. */
export function apiSchema(
  operationId: string,
  summary: string,
  parts: { params?: z.ZodType; querystring?: z.ZodType; body?: z.ZodType; consumes?: string[] },
  ok: { status: number; description: string; schema?: z.ZodType },
) {
  return {
    tags: ['Strata console'],
    operationId,
    summary,
    ...parts,
    response: {
      [ok.status]: ok.schema
        ? { description: ok.description, content: { 'application/json': { schema: ok.schema } } }
        : z.null().describe(ok.description),
      400: errorResponse('The request is refused; `message` says why in plain words'),
      403: errorResponse('A change without the X-Strata-Console: 1 header'),
      404: errorResponse('No such layer or version'),
      409: errorResponse('A conflict (a statement ID in use, a policy changed meanwhile)'),
      413: errorResponse('Over a size limit of the cloud'),
      503: errorResponse('The blob store cannot be reached'),
    },
  };
}
