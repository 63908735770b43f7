/**
 * FC layer responses per API version, as zod schemas: they document the operations (openapi/) and every
 * response is checked against them on its way out. Strict objects, so an extra field is an error too.
 */
import { z } from 'zod';
import { isFc3, type FcApiVersion, type FcOperation } from './api-versions.js';

const common = {
  layerName: z.string(),
  version: z.number().int().min(1),
  description: z.string(),
  code: z.strictObject({ repositoryType: z.literal('OSS'), location: z.string().url().describe('A signed, expiring download link') }),
  codeSize: z.number().int().min(0),
  codeChecksum: z.string().regex(/^\d+$/).describe('CRC-64/XZ (ECMA-182) of the zip, unsigned decimal'),
  createTime: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
  compatibleRuntime: z.array(z.string()),
};

/** FC 2.0 (2016-08-15, 2021-04-06): `acl` 0/1, the deprecated `arn` and `arnV2`. */
const fc2Layer = {
  ...common,
  acl: z.union([z.literal(0), z.literal(1)]),
  arn: z.string().describe('Deprecated: <32 hex>#<name>#<version>'),
  arnV2: z.string().describe('acs:fc:{region}:{account}:layers/{name}/versions/{version}'),
  license: z.string().optional(),
};

const LAYER = {
  fc2: z.strictObject(fc2Layer),
  // The 2021 SDK's CreateLayerVersion model reads `codesize`; both spellings are sent on create.
  fc2Created: z.strictObject({ ...fc2Layer, codesize: z.number().int().min(0) }),
  fc3: z.strictObject({
    ...common,
    acl: z.enum(['0', '1']),
    layerVersionArn: z.string().describe('acs:fc:{region}:{account}:layers/{name}/versions/{version}'),
    license: z.string(),
  }),
};

/** fc-go-sdk oss_temp_token.go (GetTempBucketTokenOutput, Credentials); @alicloud/fc2 and Serverless Devs read these. */
const TEMP_BUCKET_TOKEN = z.strictObject({
  credentials: z.strictObject({
    AccessKeyId: z.string(),
    AccessKeySecret: z.string(),
    Expiration: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    SecurityToken: z.string(),
  }),
  ossRegion: z.string().describe('oss-<region>, as ali-oss takes a region'),
  ossBucket: z.string(),
  objectName: z.string().describe('Upload to <account>/<objectName>'),
});

const FC2_ERROR = z.strictObject({
  ErrorCode: z.string(), ErrorMessage: z.string(),
  Code: z.string().describe('The same as ErrorCode, for the 2021 tea SDKs'),
  Message: z.string().describe('The same as ErrorMessage'),
  RequestId: z.string(),
});
const FC3_ERROR = z.strictObject({ Code: z.string(), Message: z.string(), RequestId: z.string() });

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });

const cache = new Map<FcApiVersion, Record<FcOperation, Record<number, unknown>>>();

export function responsesOf(api: FcApiVersion): Record<FcOperation, Record<number, unknown>> {
  let responses = cache.get(api);
  if (!responses) cache.set(api, (responses = build(api)));
  return responses;
}

function build(api: FcApiVersion): Record<FcOperation, Record<number, unknown>> {
  const fc3 = isFc3(api);
  const layer = fc3 ? LAYER.fc3 : LAYER.fc2;
  const error = fc3 ? FC3_ERROR : FC2_ERROR;
  const errors = {
    400: json(error, 'InvalidArgument, EntityTooLarge, PathNotSupported'),
    403: json(error, 'AccessDenied'),
    404: json(error, 'LayerNotFound, LayerVersionNotFound'),
    500: json(error, 'InternalServerError'),
  };
  return {
    CreateLayerVersion: { 200: json(fc3 ? LAYER.fc3 : LAYER.fc2Created, 'The new version'), ...errors },
    GetLayerVersion: { 200: json(layer, 'The version'), ...errors },
    GetLayerVersionByArn: { 200: json(layer, 'The version'), ...errors },
    DeleteLayerVersion: { 204: z.null().describe('No Content'), ...errors },
    ListLayerVersions: {
      200: json(z.strictObject({ layers: z.array(layer), nextVersion: z.number().int().optional() }), 'Versions from startVersion, oldest first'),
      ...errors,
    },
    ListLayers: {
      200: json(z.strictObject({ layers: z.array(layer), nextToken: z.string().optional() }), 'Layers by name, each at its newest version'),
      ...errors,
    },
    PutLayerACL: { 200: z.null().describe('OK, with an empty body'), ...errors },
    GetTempBucketToken: { 200: json(TEMP_BUCKET_TOKEN, 'Where to upload a package, and credentials for it'), ...errors },
  };
}
