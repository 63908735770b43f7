/** How AWS Lambda shows and checks layers, for Strata's own surfaces (plugins/cloud-views.ts). */
import type { Config } from '../../config.js';
import type { LayerService } from '../../core/layer-service.js';
import { naturalOrder, type CloudView } from '../../plugins/cloud-views.js';
import { contentUrl } from '../content.js';
import { AwsError } from './errors.js';
import { awsMountView } from './mount.js';
import { checkPolicySize, policyDocument } from './policy.js';
import { ARCHITECTURES, PUBLISH_RUNTIMES_PRINTED } from './runtimes.js';
import { layerVersionOut } from './serialize.js';
import { validateInput, type RawInput } from './validate.js';

/** A plain layer name: the LayerName pattern's name part (an ARN names a layer of its own account and region). */
const PLAIN_NAME = /^[a-zA-Z0-9-_]{1,140}$/;

export function awsCloudView(config: Config, layers: LayerService): CloudView {
  let runtimes: readonly string[] | undefined;
  return {
    cloud: 'aws',
    title: 'AWS Lambda',
    defaultScope: { account: config.aws.accountId, region: config.aws.region },
    limits: { maxZippedBytes: config.aws.maxZippedBytes, maxUnzippedBytes: config.aws.maxUnzippedBytes },
    get runtimes() {
      return (runtimes ??= naturalOrder(PUBLISH_RUNTIMES_PRINTED));
    },
    architectures: ARCHITECTURES,
    access: 'policy',
    checksum: (v) => ({ name: 'CodeSha256', algorithm: 'SHA-256, base64', value: v.content.sha256.toString('base64') }),
    responses: (v, request) => [{
      api: '2018-10-31',
      operation: 'GetLayerVersion',
      body: layerVersionOut(v, contentUrl(request, config.publicUrl, layers, v.content.blobKey)),
    }],
    publishProblem(ref, meta) {
      if (!PLAIN_NAME.test(ref.name)) {
        return `A layer name is 1 to 140 letters, digits, '-' and '_'; '${ref.name}' is not one`;
      }
      return problemOf(() => validateInput('PublishLayerVersion', {
        params: { LayerName: ref.name },
        body: {
          Content: {},
          Description: meta.description,
          LicenseInfo: meta.license,
          CompatibleRuntimes: meta.compatibleRuntimes,
          CompatibleArchitectures: meta.compatibleArchitectures,
        },
        query: {},
      }));
    },
    policyDocument: (ref, version, grants) => policyDocument(grants, ref, version),
    grantProblem: (ref, version, grant) => problemOf(() => validateInput('AddLayerVersionPermission', {
      params: { LayerName: ref.name, VersionNumber: String(version) },
      body: {
        StatementId: grant.statementId,
        Action: grant.action,
        Principal: grant.principal,
        OrganizationId: grant.organizationId,
      },
      query: {},
    } satisfies RawInput)),
    checkGrants: (ref, version, grants) => checkPolicySize(grants, ref, version),
    mount: awsMountView(config),
  };
}

/** AWS's message when `check` throws one of its errors; anything else is not a refusal and propagates. */
function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    if (err instanceof AwsError) return err.message;
    throw err;
  }
}
