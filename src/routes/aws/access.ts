/**
 * Access between accounts, as Lambda enforces it once callers are authenticated (STRATA_AUTH=verify): an account
 * acts on its own layers; another account may only read a version (GetLayerVersion, GetLayerVersionByArn, and so
 * its download link) when a statement of that version's policy names it, names everyone (`*`), or names its
 * organization (OrganizationId, with STRATA_AWS_ORGANIZATIONS saying which accounts belong to it). Publishing,
 * deleting, listing versions and the policy operations on another account's layer are always refused
 * (docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html: layer permissions grant
 * lambda:GetLayerVersion and nothing else). With verification off nothing is checked, as before.
 */
import type { FastifyInstance } from 'fastify';
import type { Grant, LayerRef } from '../../core/model.js';
import type { AwsOperation } from './operations.js';
import { layerArn, layerVersionArn } from './arn.js';
import { AccessDeniedException, MESSAGES } from './errors.js';
import type { OperationContext } from './route.js';

/** The IAM action each operation is authorized as (GetLayerVersionByArn is lambda:GetLayerVersion). */
const ACTION: Record<AwsOperation, string> = {
  PublishLayerVersion: 'PublishLayerVersion',
  GetLayerVersion: 'GetLayerVersion',
  GetLayerVersionByArn: 'GetLayerVersion',
  ListLayers: 'ListLayers',
  ListLayerVersions: 'ListLayerVersions',
  DeleteLayerVersion: 'DeleteLayerVersion',
  AddLayerVersionPermission: 'AddLayerVersionPermission',
  RemoveLayerVersionPermission: 'RemoveLayerVersionPermission',
  GetLayerVersionPolicy: 'GetLayerVersionPolicy',
};

/** Whether one statement lets `account` (of `organization`, if any) use the version. */
export function grantAllows(grant: Grant, account: string, organization: string | undefined): boolean {
  const principal = grant.principal === '*' || grant.principal === account
    || /^arn:aws[a-zA-Z-]*:iam::(\d{12}):root$/.exec(grant.principal)?.[1] === account;
  return principal && (grant.organizationId === null || grant.organizationId === organization);
}

export class AccessCheck {
  constructor(private readonly app: FastifyInstance) {}

  private get verifying(): boolean {
    return this.app.config.auth.mode === 'verify';
  }

  /** Refuses any operation on another account's layer (the write operations, listing versions, the policy). */
  requireOwner(ctx: OperationContext, operation: AwsOperation, ref: LayerRef, version?: number): void {
    if (!this.verifying || ref.account === ctx.caller.account) return;
    const resource = version === undefined ? layerArn(ref) : layerVersionArn(ref, version);
    throw new AccessDeniedException(MESSAGES.notAuthorized(ctx.caller.account, ACTION[operation], resource));
  }

  /** Refuses reading another account's version unless its policy grants it to the caller. */
  requireReadable(ctx: OperationContext, operation: AwsOperation, ref: LayerRef, version: number): void {
    if (!this.verifying || ref.account === ctx.caller.account) return;
    const organization = this.app.config.auth.awsOrganizations.get(ctx.caller.account);
    if (this.app.layers.grantsOf(ref, version).some((g) => grantAllows(g, ctx.caller.account, organization))) return;
    throw new AccessDeniedException(MESSAGES.notAuthorized(ctx.caller.account, ACTION[operation], layerVersionArn(ref, version)));
  }
}
