/** The FC layer operations, one set of handlers for all three API versions (docs/specs/fc-layers.md §2). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LayerNotFound } from '../../core/errors.js';
import type { LayerRef, LayerVersion } from '../../core/model.js';
import { contentUrl } from '../content.js';
import { isFc3, type FcApiVersion } from './api-versions.js';
import { layerVersionArn, parseLayerArn } from './arn.js';
import type { FcCaller } from './caller.js';
import { AccessDenied, InvalidArgument, MESSAGES } from './errors.js';
import { route, type FcContext } from './route.js';
import {
  ArnParams, CreateLayerVersionBody, LayerParams, ListLayersQuery, ListLayerVersionsQuery, PutLayerAclQuery,
  VersionParams, parseCreateBody, parseInput,
} from './schemas.js';
import { layerOut } from './serialize.js';

const refOf = (caller: FcCaller, name: string): LayerRef => ({
  cloud: 'fc', account: caller.account, region: caller.region, name,
});

export default async function layerRoutes(app: FastifyInstance, { api }: { api: FcApiVersion }) {
  const { config, layers } = app;
  const fc3 = isFc3(api);
  const out = (v: LayerVersion, ctx: FcContext, created = false) =>
    layerOut(v, ctx.api, contentUrl(ctx.request, config.publicUrl, layers, v.content.blobKey), { created });
  const layerRef = (ctx: FcContext) => refOf(ctx.caller, parseInput(LayerParams, ctx.request.params).layerName);
  const versionRef = (ctx: FcContext) => {
    const { layerName, version } = parseInput(VersionParams, ctx.request.params);
    return { ref: refOf(ctx.caller, layerName), version };
  };

  // The 2021 SDK and Terraform send `Code`, the others `code`; either is accepted (schemas.ts).
  const createBody = CreateLayerVersionBody.extend(api === '2021-04-06' ? { Code: CreateLayerVersionBody.shape.code } : {})
    .omit(api === '2021-04-06' ? { code: true } : {});
  route(app, api, 'POST', '/layers/:layerName/versions', 'CreateLayerVersion',
    { summary: 'Publishes a new version of a layer', params: LayerParams, body: createBody },
    async (ctx) => {
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

  route(app, api, 'GET', '/layers/:layerName/versions/:version', 'GetLayerVersion',
    { summary: 'Reads a layer version', params: VersionParams },
    async (ctx) => {
      const { ref, version } = versionRef(ctx);
      return out(await layers.getVersion(ref, version), ctx);
    });

  // The ARN is one percent-encoded path segment (`acs%3Afc%3A…%3Alayers%2Fname%2Fversions%2F1`, docs/specs/fc-layers.md §1).
  route(app, api, 'GET', '/layerarn/:arn', 'GetLayerVersionByArn',
    { summary: 'Reads a layer version by its ARN', params: ArnParams },
    async (ctx) => {
      const { arn } = parseInput(ArnParams, ctx.request.params);
      const parsed = parseLayerArn(arn, ctx.caller);
      if (!parsed) throw new InvalidArgument(MESSAGES.badArn(arn));
      const ref: LayerRef = { cloud: 'fc', account: parsed.account, region: parsed.region, name: parsed.name };
      // FC endpoints are regional: this one holds no layer of another region.
      if (ref.region !== ctx.caller.region) throw new LayerNotFound(ref, parsed.version);
      const version = await layers.getVersion(ref, parsed.version);
      // Another account's layer version is readable only once it is public.
      if (ref.account !== ctx.caller.account && !version.isPublic) {
        throw new AccessDenied(MESSAGES.otherAccount(layerVersionArn(ref, parsed.version)));
      }
      return out(version, ctx);
    });

  route(app, api, 'DELETE', '/layers/:layerName/versions/:version', 'DeleteLayerVersion',
    { summary: 'Deletes a layer version', params: VersionParams },
    async (ctx) => {
      const { ref, version } = versionRef(ctx);
      await layers.deleteVersion(ref, version, { mustExist: true });
      return ctx.reply.code(204).send();
    });

  // Versions oldest first from startVersion; `nextVersion` is the first one not returned (doc 213193).
  route(app, api, 'GET', '/layers/:layerName/versions', 'ListLayerVersions',
    { summary: 'Lists the versions of a layer', params: LayerParams, querystring: ListLayerVersionsQuery },
    async (ctx) => {
      const ref = layerRef(ctx);
      const q = parseInput(ListLayerVersionsQuery, ctx.request.query);
      await layers.requireLayer(ref);
      const page = await layers.listVersions(ref, {}, 'oldest-first', { start: q.startVersion, limit: q.limit ?? 20 });
      return { layers: page.items.map((v) => out(v, ctx)), ...(page.next !== undefined && { nextVersion: page.next }) };
    });

  // One entry per layer, its newest version, by name; `nextToken` is the name of the next layer, inclusive
  // like `startKey` (doc sample). `official=true` implies public (Serverless Devs fc3); Strata has no official layers.
  const listQuery = fc3 ? ListLayersQuery.fc3 : ListLayersQuery.fc2;
  route(app, api, 'GET', '/layers', 'ListLayers',
    { summary: "Lists the caller's layers", querystring: listQuery },
    async (ctx) => {
      const q = parseInput(listQuery as typeof ListLayersQuery.fc2, ctx.request.query);
      if (q.official) return { layers: [] };
      const page = await layers.listLayers(
        { cloud: 'fc', account: ctx.caller.account, region: ctx.caller.region },
        { namePrefix: q.prefix || undefined, publicOnly: q.public },
        { start: q.nextToken || q.startKey || undefined, limit: q.limit ?? 20 },
      );
      return {
        layers: page.items.map((l) => out(l.latest, ctx)),
        ...(page.next !== undefined && { nextToken: page.next }),
      };
    });

  // FC 2.0 takes `public=true|false`; FC 3.0 takes `acl=0|1` (default private) and the deprecated `public`.
  const aclQuery = fc3 ? PutLayerAclQuery.fc3 : PutLayerAclQuery.fc2;
  route(app, api, 'PUT', '/layers/:layerName/acl', 'PutLayerACL',
    { summary: 'Makes every version of a layer public or private', params: LayerParams, querystring: aclQuery },
    async (ctx) => {
      const ref = layerRef(ctx);
      const q = parseInput(aclQuery as z.ZodType<{ acl?: '0' | '1'; public?: boolean }>, ctx.request.query);
      const isPublic = q.acl !== undefined ? q.acl === '1' : q.public;
      if (isPublic === undefined && !fc3) throw new InvalidArgument(MESSAGES.badBoolean('public', ''));
      await layers.setLayerPublic(ref, isPublic ?? false);
      return ctx.reply.code(200).send();
    });
}
