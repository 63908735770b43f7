/** The FC layer operations, one set of handlers for all three API versions (fc-layers.md §2). */
import type { FastifyInstance } from 'fastify';
import { LayerNotFound } from '../../core/errors.js';
import type { LayerRef, LayerVersion } from '../../core/model.js';
import { contentUrl } from '../content.js';
import { isFc3, type FcApiVersion } from './api-versions.js';
import { layerVersionArn, parseLayerArn } from './arn.js';
import type { FcCaller } from './caller.js';
import { AccessDenied, InvalidArgument, MESSAGES } from './errors.js';
import { route, type FcContext } from './route.js';
import {
  checkLayerName, parseBoolean, parseCreateBody, parseLimit, parsePositiveInt, queryValue,
} from './schemas.js';
import { layerOut } from './serialize.js';

type Params = { layerName?: string; version?: string; arn?: string };

const refOf = (caller: FcCaller, name: string): LayerRef => ({
  cloud: 'fc', account: caller.account, region: caller.region, name,
});

export default async function layerRoutes(app: FastifyInstance, { api }: { api: FcApiVersion }) {
  const { config, layers } = app;
  const out = (v: LayerVersion, ctx: FcContext, created = false) =>
    layerOut(v, ctx.api, contentUrl(ctx.request, config.publicUrl, layers, v.content.blobKey), { created });
  const params = (ctx: FcContext) => ctx.request.params as Params;
  const layerRef = (ctx: FcContext) => {
    const name = params(ctx).layerName ?? '';
    checkLayerName(name);
    return refOf(ctx.caller, name);
  };
  const versionOf = (ctx: FcContext) => parsePositiveInt(params(ctx).version, MESSAGES.badVersion)!;

  route(app, api, 'POST', '/layers/:layerName/versions', 'CreateLayerVersion', async (ctx) => {
    const ref = layerRef(ctx);
    const input = parseCreateBody(ctx.request.body);
    let staged = ctx.request.stagedContent;
    const { code } = input;
    const bucket = code?.ossBucketName ?? undefined;
    const object = code?.ossObjectName ?? undefined;
    if (!staged && bucket === undefined && object === undefined) throw new InvalidArgument(MESSAGES.noCode);
    if (staged && (bucket !== undefined || object !== undefined)) throw new InvalidArgument(MESSAGES.twoCodeSources);
    if (!staged && (bucket === undefined || object === undefined)) throw new InvalidArgument(MESSAGES.halfOssPair);
    ctx.request.stagedContent = null; // the service owns it now, and removes it on failure
    staged ??= await layers.stageObject({ bucket: bucket!, key: object! }, config.fc.maxCodeBytes);
    const version = await layers.publish(
      ref,
      {
        description: input.description ?? null,
        license: input.license ?? null,
        compatibleRuntimes: input.compatibleRuntime ?? null,
        compatibleArchitectures: null,
      },
      staged,
      { maxUnzippedBytes: config.fc.maxUnzippedBytes, expectedCrc64: code?.checksum ?? undefined },
    );
    return out(version, ctx, true);
  });

  route(app, api, 'GET', '/layers/:layerName/versions/:version', 'GetLayerVersion', async (ctx) =>
    out(layers.getVersion(layerRef(ctx), versionOf(ctx)), ctx),
  );

  // The ARN is one percent-encoded path segment (`acs%3Afc%3A…%3Alayers%2Fname%2Fversions%2F1`, fc-layers.md §1).
  route(app, api, 'GET', '/layerarn/:arn', 'GetLayerVersionByArn', async (ctx) => {
    const arn = params(ctx).arn ?? '';
    const parsed = parseLayerArn(arn, ctx.caller);
    if (!parsed) throw new InvalidArgument(MESSAGES.badArn(arn));
    const ref: LayerRef = { cloud: 'fc', account: parsed.account, region: parsed.region, name: parsed.name };
    // FC endpoints are regional: this one holds no layer of another region.
    if (ref.region !== ctx.caller.region) throw new LayerNotFound(ref, parsed.version);
    const version = layers.getVersion(ref, parsed.version);
    // Another account's layer version is readable only once it is public.
    if (ref.account !== ctx.caller.account && !version.isPublic) {
      throw new AccessDenied(MESSAGES.otherAccount(layerVersionArn(ref, parsed.version)));
    }
    return out(version, ctx);
  });

  route(app, api, 'DELETE', '/layers/:layerName/versions/:version', 'DeleteLayerVersion', async (ctx) => {
    await layers.deleteVersion(layerRef(ctx), versionOf(ctx), { mustExist: true });
    return ctx.reply.code(204).send();
  });

  // Versions oldest first from startVersion; `nextVersion` is the first one not returned (doc 213193).
  route(app, api, 'GET', '/layers/:layerName/versions', 'ListLayerVersions', async (ctx) => {
    const ref = layerRef(ctx);
    const start = parsePositiveInt(queryValue(ctx.request.query, 'startVersion'), MESSAGES.badStartVersion);
    const limit = parseLimit(queryValue(ctx.request.query, 'limit'));
    layers.requireLayer(ref);
    const page = layers.listVersions(ref, {}, 'oldest-first', { start, limit });
    return { layers: page.items.map((v) => out(v, ctx)), ...(page.next !== undefined && { nextVersion: page.next }) };
  });

  // One entry per layer, its newest version, by name; `nextToken` is the name of the next layer, inclusive
  // like `startKey` (doc sample). `official=true` implies public (Serverless Devs fc3); Strata has no official layers.
  route(app, api, 'GET', '/layers', 'ListLayers', async (ctx) => {
    const q = ctx.request.query;
    const limit = parseLimit(queryValue(q, 'limit'));
    const official = parseBoolean('official', queryValue(q, 'official'));
    const publicOnly = parseBoolean('public', queryValue(q, 'public')) || official;
    if (official) return { layers: [] };
    const start = queryValue(q, 'nextToken') || (isFc3(ctx.api) ? undefined : queryValue(q, 'startKey')) || undefined;
    const page = layers.listLayers(
      { cloud: 'fc', account: ctx.caller.account, region: ctx.caller.region },
      { namePrefix: queryValue(q, 'prefix') || undefined, publicOnly },
      { start, limit },
    );
    return {
      layers: page.items.map((l) => out(l.latest, ctx)),
      ...(page.next !== undefined && { nextToken: page.next }),
    };
  });

  // FC 2.0 takes `public=true|false`; FC 3.0 takes `acl=0|1` and still honours the deprecated `public`.
  route(app, api, 'PUT', '/layers/:layerName/acl', 'PutLayerACL', async (ctx) => {
    const ref = layerRef(ctx);
    const q = ctx.request.query;
    const acl = isFc3(ctx.api) ? queryValue(q, 'acl') : undefined;
    if (acl !== undefined && acl !== '0' && acl !== '1') throw new InvalidArgument(MESSAGES.badAcl(acl));
    const isPublic = acl !== undefined ? acl === '1' : parseBoolean('public', queryValue(q, 'public') ?? '');
    if (isPublic === undefined) {
      if (!isFc3(ctx.api)) throw new InvalidArgument(MESSAGES.badBoolean('public', queryValue(q, 'public') ?? ''));
    }
    layers.setLayerPublic(ref, isPublic ?? false);
    return ctx.reply.code(200).send();
  });
}
