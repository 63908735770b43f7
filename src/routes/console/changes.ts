/** What the console changes: publish (a zip or a folder), delete, grant and revoke (AWS), public or private (FC). */
import type { FastifyInstance } from 'fastify';
import type { Grant, LayerRef } from '../../core/model.js';
import type { CloudView } from '../../plugins/cloud-views.js';
import { viewOf } from './browse.js';
import { ConsoleError } from './errors.js';
import { policyOf, versionDetail } from './present.js';
import {
  AclBody, GrantBody, GrantParams, LayerParams, Policy, UploadForm, UploadQuery, VersionDetail, VersionParams, apiSchema, parse,
} from './schemas.js';
import { readUpload } from './upload.js';
import { z } from 'zod';

/** The one action a layer version permission grants (AddLayerVersionPermission's Action). */
const GRANT_ACTION = 'lambda:GetLayerVersion';

function requireAccess(view: CloudView, access: CloudView['access']): void {
  if (view.access === access) return;
  throw new ConsoleError(400, 'NotSupported', access === 'policy'
    ? `${view.title} has no per-version permissions: make the layer public or private instead.`
    : `${view.title} has no public/private switch: grant permissions on a version instead.`);
}

export default async function changeRoutes(app: FastifyInstance) {
  const { layers } = app;

  app.post('/api/:cloud/:account/:region/layers/:name/versions', {
    schema: apiSchema('PublishConsoleVersion', 'Publishes a version from an uploaded zip or folder (multipart/form-data)', {
      params: LayerParams,
      querystring: UploadQuery,
      body: UploadForm,
      consumes: ['multipart/form-data'],
    }, { status: 201, description: 'The new version', schema: VersionDetail }),
  }, async (request, reply) => {
    const ref: LayerRef = parse(LayerParams, request.params);
    const view = viewOf(app, ref.cloud);
    const { content } = parse(UploadQuery, request.query);
    const upload = await readUpload(request, { cloud: ref.cloud, content, ...view.limits }, (meta) => {
      if (view.architectures.length === 0 && meta.compatibleArchitectures !== null) {
        throw new ConsoleError(400, 'InvalidLayer', `${view.title} layers declare no architectures.`);
      }
      const problem = view.publishProblem(ref, meta);
      if (problem) throw new ConsoleError(400, 'InvalidLayer', problem);
    });
    const version = await layers.publish(ref, upload.meta, upload.staged, { maxUnzippedBytes: view.limits.maxUnzippedBytes });
    return reply.code(201).send(versionDetail(version, view, layers, request));
  });

  app.delete('/api/:cloud/:account/:region/layers/:name/versions/:version', {
    schema: apiSchema('DeleteConsoleVersion', 'Deletes a version and its content', { params: VersionParams }, {
      status: 204, description: 'Deleted',
    }),
  }, async (request, reply) => {
    const { version, ...ref } = parse(VersionParams, request.params);
    viewOf(app, ref.cloud);
    await layers.deleteVersion(ref, version, { mustExist: true });
    return reply.code(204).send();
  });

  app.post('/api/:cloud/:account/:region/layers/:name/versions/:version/grants', {
    schema: apiSchema('GrantConsolePermission', 'Grants an account, an organization or everyone use of a version (AWS AddLayerVersionPermission)', {
      params: VersionParams, body: GrantBody,
    }, { status: 201, description: 'The policy with the new statement', schema: Policy }),
  }, async (request, reply) => {
    const { version, ...ref } = parse(VersionParams, request.params);
    const view = viewOf(app, ref.cloud);
    requireAccess(view, 'policy');
    const body = parse(GrantBody, request.body);
    const grant: Grant = {
      statementId: body.statementId,
      action: GRANT_ACTION,
      principal: body.principal,
      organizationId: body.organizationId || null,
    };
    const problem = view.grantProblem?.(ref, version, grant);
    if (problem) throw new ConsoleError(400, 'InvalidGrant', problem);
    layers.addGrant(ref, version, grant, undefined, (grants) => view.checkGrants?.(ref, version, grants));
    return reply.code(201).send(policyOf(ref, version, view, layers));
  });

  app.delete('/api/:cloud/:account/:region/layers/:name/versions/:version/grants/:statementId', {
    schema: apiSchema('RevokeConsolePermission', 'Removes a statement from a version policy (AWS RemoveLayerVersionPermission)', {
      params: GrantParams,
    }, { status: 200, description: 'The policy without the statement', schema: Policy }),
  }, async (request) => {
    const { version, statementId, ...ref } = parse(GrantParams, request.params);
    const view = viewOf(app, ref.cloud);
    requireAccess(view, 'policy');
    layers.removeGrant(ref, version, statementId, undefined);
    return policyOf(ref, version, view, layers);
  });

  app.put('/api/:cloud/:account/:region/layers/:name/acl', {
    schema: apiSchema('SetConsoleLayerAcl', 'Makes every version of a layer public or private (FC PutLayerACL)', {
      params: LayerParams, body: AclBody,
    }, { status: 200, description: 'The layer now', schema: z.object({ isPublic: z.boolean() }) }),
  }, async (request) => {
    const ref: LayerRef = parse(LayerParams, request.params);
    requireAccess(viewOf(app, ref.cloud), 'acl');
    const { public: isPublic } = parse(AclBody, request.body);
    layers.setLayerPublic(ref, isPublic);
    return { isPublic };
  });
}
