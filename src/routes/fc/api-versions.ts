/**
 * The three FC API versions Strata serves. They share operations and semantics and differ in response shapes
 * and error bodies (docs/specs/fc-layers.md §1, §2.4, §3.1):
 * - 2016-08-15, FC 2.0 "classic" (@alicloud/fc2, fc-go-sdk, Serverless Devs `fc`);
 * - 2021-04-06, FC 2.0 OpenAPI (@alicloud/fc-open20210406, Terraform `alicloud_fc_layer_version`);
 * - 2023-03-30, FC 3.0 (@alicloud/fc20230330, Terraform `alicloud_fcv3_layer_version`, Serverless Devs `fc3`).
 */
export const FC_API_VERSIONS = ['2016-08-15', '2021-04-06', '2023-03-30'] as const;

export type FcApiVersion = (typeof FC_API_VERSIONS)[number];

export const isFc3 = (v: FcApiVersion): boolean => v === '2023-03-30';

export const FC_OPERATIONS = [
  'CreateLayerVersion',
  'GetLayerVersion',
  'GetLayerVersionByArn',
  'ListLayers',
  'ListLayerVersions',
  'DeleteLayerVersion',
  'PutLayerACL',
  // 2016-08-15 only: the temporary upload bucket of the big-package flow (temp-bucket.ts).
  'GetTempBucketToken',
] as const;

export type FcOperation = (typeof FC_OPERATIONS)[number];
