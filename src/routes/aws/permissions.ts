/** Layer version permissions (docs/specs/aws-lambda-layers.md §3.7–3.9). */
import type { FastifyInstance } from 'fastify';
import type { Grant } from '../../core/model.js';
import { layerRefOf } from './caller.js';
import { AccessCheck } from './access.js';
import { checkPolicySize, policyDocument, statementOf } from './policy.js';
import { route } from './route.js';

export default async function permissionRoutes(app: FastifyInstance) {
  const { layers } = app;
  const access = new AccessCheck(app);
  const policyPath = '/layers/:LayerName/versions/:VersionNumber/policy';

  route(app, 'POST', policyPath, 'AddLayerVersionPermission', 'Grants an account, organization or everyone use of a layer version', async (input, ctx) => {
    const ref = layerRefOf(input.LayerName, ctx.caller);
    access.requireOwner(ctx, 'AddLayerVersionPermission', ref, input.VersionNumber);
    const grant: Grant = {
      statementId: input.StatementId,
      action: input.Action,
      principal: input.Principal,
      organizationId: input.OrganizationId ?? null,
    };
    const policy = layers.addGrant(ref, input.VersionNumber, grant, input.RevisionId, (grants) =>
      checkPolicySize(grants, ref, input.VersionNumber),
    );
    return ctx.reply.code(201).send({
      Statement: JSON.stringify(statementOf(grant, ref, input.VersionNumber)),
      RevisionId: policy.revision,
    });
  });

  route(app, 'DELETE', `${policyPath}/:StatementId`, 'RemoveLayerVersionPermission', 'Removes a statement from a layer version policy', async (input, ctx) => {
    const ref = layerRefOf(input.LayerName, ctx.caller);
    access.requireOwner(ctx, 'RemoveLayerVersionPermission', ref, input.VersionNumber);
    layers.removeGrant(ref, input.VersionNumber, input.StatementId, input.RevisionId);
    return ctx.reply.code(204).send();
  });

  route(app, 'GET', policyPath, 'GetLayerVersionPolicy', 'Reads a layer version policy', async (input, ctx) => {
    const ref = layerRefOf(input.LayerName, ctx.caller);
    access.requireOwner(ctx, 'GetLayerVersionPolicy', ref, input.VersionNumber);
    const policy = layers.getPolicy(ref, input.VersionNumber);
    return { Policy: policyDocument(policy.grants, ref, input.VersionNumber), RevisionId: policy.revision };
  });
}
