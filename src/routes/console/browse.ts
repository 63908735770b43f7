/** What the console reads: the clouds and their scopes, a scope's layers, a layer's versions, one version in full. */
import type { FastifyInstance } from 'fastify';
import type { Cloud, LayerRef, LayerScope } from '../../core/model.js';
import type { CloudView } from '../../plugins/cloud-views.js';
import { ConsoleError } from './errors.js';
import { layerItem, versionDetail, versionItem } from './present.js';
import {
  LayerList, LayerParams, LayersQuery, Overview, ScopeParams, VersionDetail, VersionList, VersionParams, VersionsQuery,
  apiSchema, parse,
} from './schemas.js';

const PAGE = 50;

/** The view of a cloud Strata serves; 404 for one it does not. */
export function viewOf(app: FastifyInstance, cloud: Cloud): CloudView {
  const view = app.cloudViews.get(cloud);
  if (!view) throw new ConsoleError(404, 'NotFound', `Strata serves no ${cloud} API.`);
  return view;
}

export default async function browseRoutes(app: FastifyInstance) {
  const { layers } = app;

  app.get('/api/overview', {
    schema: apiSchema('GetConsoleOverview', 'The clouds Strata serves and the accounts and regions that hold layers', {}, {
      status: 200, description: 'Each cloud, and each scope (a scope of each cloud is listed even while it holds nothing)', schema: Overview,
    }),
  }, async () => {
    const views = app.cloudViews.all();
    const held = layers.listScopes();
    const key = (s: LayerScope) => `${s.cloud}\n${s.account}\n${s.region}`;
    const scopes = new Map(held.map((s) => [key(s.scope), { ...s.scope, layers: s.layers, versions: s.versions }]));
    for (const view of views) {
      const scope = { cloud: view.cloud, ...view.defaultScope };
      if (!scopes.has(key(scope))) scopes.set(key(scope), { ...scope, layers: 0, versions: 0 });
    }
    return {
      clouds: views.map((v) => ({
        cloud: v.cloud,
        title: v.title,
        access: v.access,
        runtimes: [...v.runtimes],
        architectures: [...v.architectures],
        limits: v.limits,
        defaultScope: v.defaultScope,
      })),
      scopes: [...scopes.values()].sort((a, b) => key(a).localeCompare(key(b))),
    };
  });

  app.get('/api/:cloud/:account/:region/layers', {
    schema: apiSchema('ListConsoleLayers', "A scope's layers by name, each with its newest version", { params: ScopeParams, querystring: LayersQuery }, {
      status: 200, description: 'Up to 50 layers; `next` is where the next page starts', schema: LayerList,
    }),
  }, async (request) => {
    const scope = parse(ScopeParams, request.params);
    viewOf(app, scope.cloud);
    const { start } = parse(LayersQuery, request.query);
    const page = layers.listLayers(scope, {}, { start, limit: PAGE });
    return { layers: page.items.map(layerItem), next: page.next ?? null };
  });

  app.get('/api/:cloud/:account/:region/layers/:name/versions', {
    schema: apiSchema('ListConsoleVersions', "A layer's versions, newest first", { params: LayerParams, querystring: VersionsQuery }, {
      status: 200, description: 'Up to 50 versions; `next` is where the next page starts', schema: VersionList,
    }),
  }, async (request) => {
    const ref: LayerRef = parse(LayerParams, request.params);
    viewOf(app, ref.cloud);
    const { start } = parse(VersionsQuery, request.query);
    layers.requireLayer(ref);
    const page = layers.listVersions(ref, {}, 'newest-first', { start, limit: PAGE });
    return { versions: page.items.map(versionItem), next: page.next ?? null };
  });

  app.get('/api/:cloud/:account/:region/layers/:name/versions/:version', {
    schema: apiSchema('GetConsoleVersion', 'A version: every field its cloud returns, its checksums, download link and policy or ACL', { params: VersionParams }, {
      status: 200, description: 'The version', schema: VersionDetail,
    }),
  }, async (request) => {
    const { version, ...ref } = parse(VersionParams, request.params);
    const view = viewOf(app, ref.cloud);
    return versionDetail(layers.getVersion(ref, version), view, layers, request);
  });
}
