/** Layer version policies as AWS renders them (docs/specs/aws-lambda-layers.md §3.7–3.9; Terraform parses these strings). */
import { PolicyTooLarge } from '../../core/errors.js';
import type { Grant, LayerRef } from '../../core/model.js';
import { layerVersionArn, partitionOf } from './arn.js';

/** AWS's resource policy size limit, in bytes of the policy document (recorded for functions). */
export const POLICY_SIZE_LIMIT = 20_480;

export function statementOf(grant: Grant, ref: LayerRef, version: number) {
  return {
    Sid: grant.statementId,
    Effect: 'Allow',
    // An account principal is rendered as its root ARN: `{"AWS":"arn:aws:iam::223456789012:root"}` (model example).
    Principal: grant.principal === '*' ? '*' : { AWS: rootArn(grant.principal, ref.region) },
    Action: grant.action,
    Resource: layerVersionArn(ref, version),
    ...(grant.organizationId !== null && {
      Condition: { StringEquals: { 'aws:PrincipalOrgID': grant.organizationId } },
    }),
  };
}

export function policyDocument(grants: Grant[], ref: LayerRef, version: number): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'default',
    Statement: grants.map((g) => statementOf(g, ref, version)),
  });
}

function rootArn(principal: string, region: string): string {
  return /^\d{12}$/.test(principal) ? `arn:${partitionOf(region)}:iam::${principal}:root` : principal;
}

/** Throws PolicyTooLarge when the grants would make a policy document over AWS's limit. */
export function checkPolicySize(grants: Grant[], ref: LayerRef, version: number): void {
  const size = Buffer.byteLength(policyDocument(grants, ref, version));
  if (size > POLICY_SIZE_LIMIT) throw new PolicyTooLarge(size, POLICY_SIZE_LIMIT);
}
