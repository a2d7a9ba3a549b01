import type { ObjectStore } from '../ports/object-store.js';
import { BackupTamperedError } from './backup-errors.js';
import type { BackupKeys } from './backup-keys.js';
import { manifestKey, MANIFESTS_PREFIX, seqOfManifestKey } from './bucket-layout.js';
import { decodeManifest, snapshotId, type Manifest } from './manifest.js';
import { NotFoundError } from '../errors.js';

/** A snapshot as read and checked from the bucket. */
export interface Snapshot {
  id: string;
  seq: number;
  hash: string;
  manifest: Manifest;
}

/** The newest snapshot a reader has verified: it refuses anything older or different. */
export interface ChainMark {
  seq: number;
  hash: string;
}

/**
 * Reads every manifest in the bucket, checks each (signature, encryption, seq), and checks the
 * chain: consecutive snapshots must link by hash, and none may be missing between the oldest kept
 * and the newest. Against `mark` (the newest this reader verified before), a bucket whose newest
 * snapshot is older, or differs, is refused as rolled back or forked.
 */
export async function readChain(
  store: ObjectStore,
  keys: BackupKeys,
  vaultId: string,
  mark: ChainMark | null,
): Promise<Snapshot[]> {
  const seqs: number[] = [];
  for await (const item of store.list(MANIFESTS_PREFIX)) {
    const seq = seqOfManifestKey(item.key);
    if (seq !== null) seqs.push(seq);
  }
  seqs.sort((a, b) => a - b);
  const snapshots: Snapshot[] = [];
  for (const seq of seqs) {
    const bytes = await store.get(manifestKey(seq));
    if (!bytes)
      throw new BackupTamperedError('missing', `manifest ${seq} disappeared from the bucket while it was read`);
    const { manifest, hash } = decodeManifest(keys, vaultId, seq, bytes);
    const before = snapshots.at(-1);
    if (before && before.seq !== seq - 1) {
      throw new BackupTamperedError(
        'missing',
        `manifest ${before.seq + 1} is missing from the bucket (it lies between snapshots ${before.seq} and ${seq})`,
      );
    }
    if (before && manifest.prev !== before.hash) {
      throw new BackupTamperedError(
        'fork',
        `manifest ${seq} does not follow manifest ${before.seq}: the bucket holds a forked or rewritten history`,
      );
    }
    snapshots.push({ id: snapshotId(seq, hash), seq, hash, manifest });
  }
  if (mark) checkAgainstMark(snapshots, mark);
  return snapshots;
}

function checkAgainstMark(snapshots: Snapshot[], mark: ChainMark): void {
  const newest = snapshots.at(-1);
  if (!newest || newest.seq < mark.seq) {
    throw new BackupTamperedError(
      'rollback',
      `the bucket was rolled back or cut: its newest snapshot is ${newest ? newest.seq : 'none'}, but snapshot ${mark.seq} was written and verified before`,
    );
  }
  const same = snapshots.find((s) => s.seq === mark.seq);
  if (same && same.hash !== mark.hash) {
    throw new BackupTamperedError(
      'fork',
      `snapshot ${mark.seq} in the bucket is not the one written and verified before: the history was rewritten`,
    );
  }
}

/** `ref`: a snapshot id (`12-ab34…`) or a seq; undefined: the newest. */
export function pickSnapshot(snapshots: Snapshot[], ref: string | undefined): Snapshot {
  if (ref === undefined) {
    const newest = snapshots.at(-1);
    if (!newest) throw new NotFoundError('snapshot', '(the bucket holds none yet)');
    return newest;
  }
  const found = snapshots.find(
    (s) => s.id === ref || String(s.seq) === ref || (ref.length >= 6 && s.hash.startsWith(ref)),
  );
  if (!found) throw new NotFoundError('snapshot', ref);
  return found;
}
