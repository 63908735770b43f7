export const AWS_OPERATIONS = [
  'PublishLayerVersion',
  'GetLayerVersion',
  'GetLayerVersionByArn',
  'ListLayers',
  'ListLayerVersions',
  'DeleteLayerVersion',
  'AddLayerVersionPermission',
  'RemoveLayerVersionPermission',
  'GetLayerVersionPolicy',
] as const;

export type AwsOperation = (typeof AWS_OPERATIONS)[number];
