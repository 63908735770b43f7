/**
 * AWS Lambda layer responses, as zod schemas: they document the operations (openapi/) and every response is
 * checked against them on its way out (a serializer that drifts from the contract fails, never ships).
 * Strict objects, so an extra field is an error too.
 */
import { z } from 'zod';
import type { AwsOperation } from './operations.js';

const arn = z.string().min(1).max(2048);
const date = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/).describe('yyyy-MM-ddTHH:mm:ss.SSS+0000');
const strings = z.array(z.string());

export const GetLayerVersionResponse = z
  .strictObject({
    Content: z.strictObject({
      Location: z.string().url().describe('A signed, expiring link that downloads the zip'),
      CodeSha256: z.string().describe('Base64 of the SHA-256 of the zip'),
      CodeSize: z.number().int().min(0),
    }),
    LayerArn: arn,
    LayerVersionArn: arn,
    Description: z.string(),
    CreatedDate: date,
    Version: z.number().int().min(1),
    CompatibleRuntimes: strings.optional(),
    LicenseInfo: z.string().optional(),
    CompatibleArchitectures: strings.optional(),
  })
  .meta({ id: 'AwsLayerVersion' });

/** Unset members are explicit nulls on the wire (aws/aws-cli#8894). */
const LayerVersionsListItem = z
  .strictObject({
    LayerVersionArn: arn,
    Version: z.number().int().min(1),
    Description: z.string().nullable(),
    CreatedDate: date,
    CompatibleRuntimes: strings.nullable(),
    LicenseInfo: z.string().nullable(),
    CompatibleArchitectures: strings.nullable(),
  })
  .meta({ id: 'AwsLayerVersionsListItem' });

export const ListLayersResponse = z.strictObject({
  NextMarker: z.string().nullable(),
  Layers: z.array(z.strictObject({ LayerName: z.string(), LayerArn: arn, LatestMatchingVersion: LayerVersionsListItem })),
});

const ListLayerVersionsResponse = z.strictObject({
  NextMarker: z.string().nullable(),
  LayerVersions: z.array(LayerVersionsListItem),
});

/**
 * Error bodies. Key casing differs per code (spec §1.1): ResourceNotFoundException and AccessDeniedException
 * say `Message`, the other modeled errors `message`, ValidationException has `message` alone, and
 * ServiceException is `{"Type":"Service","Message":…}`. The code is in the `x-amzn-ErrorType` header.
 */
export const AwsErrorBody = z
  .union([
    z.strictObject({ Type: z.enum(['User', 'Service']), message: z.string() }),
    z.strictObject({ Type: z.enum(['User', 'Service']), Message: z.string() }),
    z.strictObject({ message: z.string() }),
    z.strictObject({ Message: z.string() }),
  ])
  .meta({ id: 'AwsError', description: 'An AWS Lambda error; its code is in the x-amzn-ErrorType header' });

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
// A null schema documents a response without a body.
const noContent = z.null().describe('No Content');

const ERRORS = {
  400: json(AwsErrorBody, 'ValidationException, InvalidParameterValueException, InvalidRequestContentException, PolicyLengthExceededException'),
  403: json(AwsErrorBody, 'AccessDeniedException: the request matches no operation'),
  404: json(AwsErrorBody, 'ResourceNotFoundException'),
  500: json(AwsErrorBody, 'ServiceException'),
};

export const RESPONSES = {
  PublishLayerVersion: {
    201: json(GetLayerVersionResponse, 'The new version'),
    ...ERRORS,
    413: json(AwsErrorBody, 'RequestEntityTooLargeException'),
  },
  GetLayerVersion: { 200: json(GetLayerVersionResponse, 'The version'), ...ERRORS },
  GetLayerVersionByArn: { 200: json(GetLayerVersionResponse, 'The version'), ...ERRORS },
  ListLayers: { 200: json(ListLayersResponse, 'Layers by name, each with its newest matching version'), ...ERRORS },
  ListLayerVersions: { 200: json(ListLayerVersionsResponse, 'Versions, newest first'), ...ERRORS },
  DeleteLayerVersion: { 204: noContent, ...ERRORS },
  AddLayerVersionPermission: {
    201: json(z.strictObject({ Statement: z.string().describe('The statement, as a JSON string'), RevisionId: z.string() }), 'The statement added'),
    ...ERRORS,
    409: json(AwsErrorBody, 'ResourceConflictException: the statement id exists'),
    413: json(AwsErrorBody, 'RequestEntityTooLargeException'),
    412: json(AwsErrorBody, 'PreconditionFailedException: stale RevisionId'),
  },
  RemoveLayerVersionPermission: {
    204: noContent,
    ...ERRORS,
    412: json(AwsErrorBody, 'PreconditionFailedException: stale RevisionId'),
  },
  GetLayerVersionPolicy: {
    200: json(z.strictObject({ Policy: z.string().describe('The policy, as a JSON string'), RevisionId: z.string() }), 'The policy'),
    ...ERRORS,
  },
} satisfies Record<AwsOperation, object>;
