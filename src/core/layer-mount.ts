/**
 * A merged /opt: the layer versions a function would use, checked as the cloud checks a function's layers, then
 * opened and overlaid (core/layer-merge.ts) into one tree whose entries stream from the layers' own zips. Nothing
 * is extracted or held in memory here; whoever writes the tree (a zip for GET /_strata/opt, a folder for
 * `strata opt`) reads each entry once.
 */
import type { Readable } from 'node:stream';
import { ZipArchive, type ZipEntryInfo } from '../codec/zip-entries.js';
import {
  InvalidVersionNumber, LayerInOtherRegion, LayerNotFound, LayerVersionNotFound, LayersTooLarge, MissingLayerVersion, RuntimeNotSupported,
  SameLayerTwice, TooManyLayers,
} from './errors.js';
import { overlay, type Precedence, type TreeEntry } from './layer-merge.js';
import type { LayerService } from './layer-service.js';
import type { LayerRef, LayerVersion } from './model.js';

/** The checks a cloud applies to a function's layers, and its merge order (each dialect's mount.ts, with sources). */
export interface MountRules {
  maxLayers: number;
  /** Refused when the layers' unzipped sizes add up to more than this. */
  maxUnzippedBytes: number;
  precedence: Precedence;
  /** A version must list the function's runtime among its compatible runtimes (when a runtime is given). */
  runtimeMustBeListed: boolean;
  /** Two versions of one layer may not be used together. */
  oneVersionPerLayer: boolean;
  /** Every layer must be in the function's region (here: the first layer's). */
  oneRegion: boolean;
}

export interface LayerVersionId {
  ref: LayerRef;
  version: number;
}

type Source = { archive: ZipArchive; entry: ZipEntryInfo & Parameters<ZipArchive['openStream']>[0] };

export class MountedTree {
  constructor(
    readonly versions: readonly LayerVersion[],
    readonly entries: readonly TreeEntry<Source>[],
    /** The layers' unzipped sizes added up (what the size limit is checked against). */
    readonly unzippedBytes: number,
    private readonly close_: () => Promise<void>,
  ) {}

  /** The entry's bytes, read from its layer's zip. */
  open(entry: TreeEntry<Source>): Promise<Readable> {
    return entry.source.archive.openStream(entry.source.entry);
  }

  /** Closes the layers' zips; entries cannot be opened after it. */
  close(): Promise<void> {
    return this.close_();
  }
}

export type MountedEntry = MountedTree['entries'][number];

/**
 * Resolves, checks and opens the layers, in the cloud's order of checks (LocalStack's AWS-validated
 * `_validate_layers`: the count, then per layer its region, its existence and a second version of it), then the
 * runtime and the total size, which need the versions and their zips.
 */
export async function mountLayers(
  service: LayerService, wanted: readonly LayerVersionId[], rules: MountRules, runtime: string | undefined,
): Promise<MountedTree> {
  if (wanted.length > rules.maxLayers) throw new TooManyLayers(wanted.length, rules.maxLayers);
  const versions: LayerVersion[] = [];
  const seen = new Map<string, number>();
  for (const { ref, version } of wanted) {
    const region = wanted[0]!.ref.region;
    if (rules.oneRegion && ref.region !== region) throw new LayerInOtherRegion(region, ref, version);
    versions.push(await findVersion(service, ref, version));
    const key = JSON.stringify([ref.cloud, ref.account, ref.region, ref.name]);
    const first = seen.get(key);
    if (rules.oneVersionPerLayer && first !== undefined) throw new SameLayerTwice(ref, first, version);
    seen.set(key, version);
  }
  if (rules.runtimeMustBeListed && runtime !== undefined) {
    const refused = versions.find((v) => !(v.compatibleRuntimes ?? []).includes(runtime));
    if (refused) throw new RuntimeNotSupported(runtime, refused.ref, refused.version);
  }

  const opened: { archive: ZipArchive; release(): Promise<void> }[] = [];
  const close = async () => {
    for (const o of opened.splice(0)) {
      o.archive.close();
      await o.release();
    }
  };
  try {
    let unzippedBytes = 0;
    const layers: TreeEntry<Source>[][] = [];
    for (const v of versions) {
      const archive = await openLayer(service, v, opened);
      layers.push(archive.entries.map((entry) => ({ ...entry, source: { archive, entry } })));
      for (const e of archive.entries) if (e.kind !== 'directory') unzippedBytes += e.size;
    }
    if (unzippedBytes > rules.maxUnzippedBytes) throw new LayersTooLarge(unzippedBytes, rules.maxUnzippedBytes);
    return new MountedTree(versions, overlay(layers, rules.precedence), unzippedBytes, close);
  } catch (err) {
    await close();
    throw err;
  }
}

async function findVersion(service: LayerService, ref: LayerRef, version: number): Promise<LayerVersion> {
  try {
    return await service.getVersion(ref, version);
  } catch (err) {
    // Version 0 matches the ARN pattern and names no version, like a deleted one.
    if (err instanceof LayerNotFound || err instanceof LayerVersionNotFound || err instanceof InvalidVersionNumber) {
      throw new MissingLayerVersion(ref, version);
    }
    throw err;
  }
}

/** Opens a version's zip, recording it in `opened` for closing; a blob deleted meanwhile is a missing version. */
async function openLayer(
  service: LayerService, v: LayerVersion, opened: { archive: ZipArchive; release(): Promise<void> }[],
): Promise<ZipArchive> {
  const missing = () => new MissingLayerVersion(v.ref, v.version);
  const local = await service.localContent(v.content.blobKey, v.content.size);
  if (!local) throw missing();
  try {
    const archive = await ZipArchive.open(local.path);
    opened.push({ archive, release: local.release });
    return archive;
  } catch (err) {
    await local.release();
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missing();
    throw err;
  }
}
