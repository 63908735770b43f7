/** The layer version operations (docs/specs/aws-lambda-layers.md §3.1–3.6). */
import type { FastifyInstance } from 'fastify';
import type { LayerVersion } from '../../core/model.js';
import { contentUrl } from '../content.js';
import { firstValues } from '../query.js';
import { parseLayerArn } from './arn.js';
import { layerRefOf } from './caller.js';
import { AccessCheck } from './access.js';
import { InvalidParameterValueException, MESSAGES, ResourceNotFoundException } from './errors.js';
import { z } from 'zod';
import { GetLayerVersionResponse, ListLayersResponse, RESPONSES } from './responses.js';
import { route, serve, type OperationContext } from './route.js';
import { SCHEMAS } from './schemas.js';
import { decodeMarker, encodeMarker, layerItem, layerVersionItem, layerVersionOut } from './serialize.js';

const DEFAULT_MAX_ITEMS = 50;

export default async function layerRoutes(app: FastifyInstance) {
  const { config, layers } = app;
  const access = new AccessCheck(app);
  const versionOut = (v: LayerVersion, { request }: OperationContext) =>
    layerVersionOut(v, contentUrl(request, config.publicUrl, layers, v.content.blobKey));

  route(app, 'POST', '/layers/:LayerName/versions', 'PublishLayerVersion', 'Publishes a new version of a layer', async (input, ctx) => {
    const { Content: content } = input;
    const ref = layerRefOf(input.LayerName, ctx.caller);
    access.requireOwner(ctx, 'PublishLayerVersion', ref);
    let staged = ctx.request.stagedContent;
    const fromS3 = [content.S3Bucket, content.S3Key, content.S3ObjectVersion].some((v) => v !== undefined && v !== null);
    if (staged && fromS3) throw new InvalidParameterValueException(MESSAGES.zipFileAndS3);
    if (!staged && (!content.S3Bucket || !content.S3Key)) throw new InvalidParameterValueException(MESSAGES.noContentSource);
    ctx.request.stagedContent = null; // the service owns it now, and removes it on failure
    // From S3 only the unzipped limit applies (the 50 MB zipped limit is for direct uploads).
    staged ??= await layers.stageObject(
      { bucket: content.S3Bucket!, key: content.S3Key!, versionId: content.S3ObjectVersion ?? undefined },
      config.aws.maxUnzippedBytes,
    );
    const version = await layers.publish(
      ref,
      {
        description: input.Description ?? null,
        license: input.LicenseInfo ?? null,
        compatibleRuntimes: input.CompatibleRuntimes ?? null,
        compatibleArchitectures: input.CompatibleArchitectures ?? null,
      },
      staged,
      { maxUnzippedBytes: config.aws.maxUnzippedBytes },
    );
    return ctx.reply.code(201).send(versionOut(version, ctx));
  });

  route(app, 'GET', '/layers/:LayerName/versions/:VersionNumber', 'GetLayerVersion', 'Reads a layer version', async (input, ctx) => {
    const ref = layerRefOf(input.LayerName, ctx.caller);
    access.requireReadable(ctx, 'GetLayerVersion', ref, input.VersionNumber);
    return versionOut(layers.getVersion(ref, input.VersionNumber), ctx);
  });

  route(app, 'DELETE', '/layers/:LayerName/versions/:VersionNumber', 'DeleteLayerVersion', 'Deletes a layer version (idempotent)', async (input, ctx) => {
    const ref = layerRefOf(input.LayerName, ctx.caller);
    access.requireOwner(ctx, 'DeleteLayerVersion', ref, input.VersionNumber);
    await layers.deleteVersion(ref, input.VersionNumber);
    return ctx.reply.code(204).send();
  });

  route(app, 'GET', '/layers/:LayerName/versions', 'ListLayerVersions', 'Lists the versions of a layer, newest first', async (input, ctx) => {
    const ref = layerRefOf(input.LayerName, ctx.caller);
    access.requireOwner(ctx, 'ListLayerVersions', ref);
    const page = layers.listVersions(
      ref,
      { runtime: input.CompatibleRuntime, architecture: input.CompatibleArchitecture },
      'newest-first', // AWS lists versions newest first; Terraform's data source takes item [0] (spec §7)
      { start: markerOf<number>(input.Marker, 'number'), limit: input.MaxItems ?? DEFAULT_MAX_ITEMS },
    );
    return {
      NextMarker: page.next === undefined ? null : encodeMarker(page.next),
      LayerVersions: page.items.map(layerVersionItem),
    };
  });

  // One path, two operations: `find=LayerVersion` selects GetLayerVersionByArn, in any query order (§1.0).
  app.get<{ Querystring: { find?: unknown } }>('/layers', { schema: listOrFindSchema() }, (request, reply) => {
    if (firstValues(request.query).find === 'LayerVersion') {
      return serve(app, 'GetLayerVersionByArn', async (input, ctx) => {
        const arn = parseLayerArn(input.Arn);
        // `arn:aws:lambda:::awslayer:NAME` passes the model pattern but names no layer a user can publish.
        if (!arn || arn.version === undefined) throw new ResourceNotFoundException(MESSAGES.notFound);
        const ref = { cloud: 'aws' as const, account: arn.account, region: arn.region, name: arn.name };
        access.requireReadable(ctx, 'GetLayerVersionByArn', ref, arn.version);
        return versionOut(layers.getVersion(ref, arn.version), ctx);
      }, request, reply);
    }
    return serve(app, 'ListLayers', async (input, ctx) => {
      const page = layers.listLayers(
        { cloud: 'aws', account: ctx.caller.account, region: ctx.caller.region },
        { runtime: input.CompatibleRuntime, architecture: input.CompatibleArchitecture },
        { start: markerOf<string>(input.Marker, 'string'), limit: input.MaxItems ?? DEFAULT_MAX_ITEMS },
      );
      return { NextMarker: page.next === undefined ? null : encodeMarker(page.next), Layers: page.items.map(layerItem) };
    }, request, reply);
  });
}

function markerOf<T extends string | number>(marker: string | undefined, kind: 'string' | 'number'): T | undefined {
  if (marker === undefined || marker === '') return undefined;
  const cursor = decodeMarker<T>(marker, kind);
  if (cursor === undefined) throw new InvalidParameterValueException(MESSAGES.invalidMarker);
  return cursor;
}

/** GET /layers documents both of its operations: ListLayers, and GetLayerVersionByArn with `find=LayerVersion`. */
function listOrFindSchema() {
  const list = SCHEMAS.ListLayers.querystring;
  const find = SCHEMAS.GetLayerVersionByArn.querystring;
  return {
    operationId: 'ListLayers',
    summary: 'Lists layers; with find=LayerVersion and Arn, reads a layer version by ARN (GetLayerVersionByArn)',
    tags: ['AWS Lambda layers'],
    querystring: list.extend({ find: z.literal('LayerVersion').optional(), Arn: find.shape.Arn.optional() }),
    response: {
      ...RESPONSES.ListLayers,
      200: {
        description: 'ListLayers: layers by name; GetLayerVersionByArn: the version',
        content: { 'application/json': { schema: z.union([ListLayersResponse, GetLayerVersionResponse]) } },
      },
    },
  };
}
