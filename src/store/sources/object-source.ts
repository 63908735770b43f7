import type { Readable } from 'node:stream';

export interface ObjectLocation {
  bucket: string;
  key: string;
  versionId?: string | undefined;
}

/**
 * The bucket store users put layer packages in before publishing them by reference (AWS S3Bucket/S3Key,
 * FC ossBucketName/ossObjectName). Throws SourceObjectMissing for a missing bucket, key or version.
 */
export interface ObjectSource {
  open(location: ObjectLocation): Promise<Readable>;
}
