/**
 * The Lambda layer lifecycle through the AWS SDK for Java v2 and the AWS SDK for Go v2, each a small program
 * (test/clients/java, test/clients/go-aws) run against a live Strata: the values asserted are those the SDK
 * parsed into its models, and the errors are the SDK's typed exceptions.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_ZIP, goClient, javaClient, runOnce, type SdkClient } from '../../helpers/sdk-clients.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:layer';
const CREATED_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SDKS: { sdk: string; client: SdkClient | undefined; prefix: string; runtime: string; notFoundType: string }[] = [
  {
    sdk: 'AWS SDK for Java v2',
    client: javaClient('AwsLayers'),
    prefix: 'java',
    runtime: 'java17',
    notFoundType: 'software.amazon.awssdk.services.lambda.model.ResourceNotFoundException',
  },
  { sdk: 'AWS SDK for Go v2', client: goClient(), prefix: 'go', runtime: 'provided.al2023', notFoundType: '*types.ResourceNotFoundException' },
];

for (const { sdk, client, prefix, runtime, notFoundType } of SDKS) {
  describe.skipIf(!client)(sdk, () => {
    const layer = `${prefix}-layer`;
    const result = runOnce(client);
    let out: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    beforeEach(() => {
      out = result();
    });

    it(`PublishLayerVersion (${sdk}): versions 1, 2, 3 with the zip's SHA-256 and size`, () => {
      expect(out.published).toHaveLength(3);
      out.published.forEach((v: any, i: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(v).toEqual({
          version: i + 1,
          layerArn: `${ARN}:${layer}`,
          layerVersionArn: `${ARN}:${layer}:${i + 1}`,
          description: `v${i + 1}`,
          codeSha256: CLIENT_ZIP.sha256Base64,
          codeSize: CLIENT_ZIP.size,
          createdDate: expect.stringMatching(CREATED_DATE),
          compatibleRuntimes: [runtime],
        });
      });
    });

    it(`GetLayerVersion (${sdk}): the first version, and its Content.Location downloads the zip`, () => {
      expect(out.get).toEqual({
        version: 1,
        layerVersionArn: `${ARN}:${layer}:1`,
        description: 'v1',
        codeSha256: CLIENT_ZIP.sha256Base64,
        codeSize: CLIENT_ZIP.size,
        compatibleRuntimes: [runtime],
        compatibleArchitectures: ['arm64'],
        licenseInfo: 'MIT',
        downloadedSha256: CLIENT_ZIP.sha256Base64,
      });
    });

    it(`GetLayerVersionByArn (${sdk}): the version the ARN names`, () => {
      expect(out.getByArn).toEqual({ version: 2, layerArn: `${ARN}:${layer}`, description: 'v2' });
    });

    it(`ListLayerVersions (${sdk}): newest first, two a page, NextMarker followed to the end`, () => {
      expect(out.versionPages).toEqual([[3, 2], [1]]);
    });

    it(`ListLayers (${sdk}): one layer a page with its latest version`, () => {
      expect(out.layerPages).toEqual([
        [{ layerName: layer, latestVersion: 3 }],
        [{ layerName: `${prefix}-other`, latestVersion: 1 }],
      ]);
    });

    it(`AddLayerVersionPermission (${sdk}): the statement, and the policy that holds it`, () => {
      const statement = {
        Sid: 'everyone',
        Effect: 'Allow',
        Principal: '*',
        Action: 'lambda:GetLayerVersion',
        Resource: `${ARN}:${layer}:3`,
      };
      expect(JSON.parse(out.permission.statement)).toEqual(statement);
      expect(JSON.parse(out.permission.policy)).toEqual({ Version: '2012-10-17', Id: 'default', Statement: [statement] });
      expect(out.permission.revisionId).toMatch(UUID);
      expect(out.permission.policyRevisionId).toBe(out.permission.revisionId);
    });

    it(`RemoveLayerVersionPermission (${sdk}): afterwards the policy is a typed ResourceNotFoundException`, () => {
      expect(out.policyAfterRemove).toEqual({
        [prefix === 'java' ? 'class' : 'type']: notFoundType,
        status: 404,
        code: 'ResourceNotFoundException',
        message: 'No policy is associated with the given resource.',
      });
    });

    it(`DeleteLayerVersion (${sdk}): the version is gone (a typed ResourceNotFoundException), the others stay`, () => {
      expect(out.getAfterDelete).toEqual({
        [prefix === 'java' ? 'class' : 'type']: notFoundType,
        status: 404,
        code: 'ResourceNotFoundException',
        message: 'The resource you requested does not exist.',
      });
      expect(out.versionsAfterDelete).toEqual([[3, 2]]);
    });
  });
}
