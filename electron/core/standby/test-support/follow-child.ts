// A follower in a process of its own, for the kill tests: syncs once, slowly, saying what it does.
// FOLLOW_TARGET (the bucket, JSON), FOLLOW_DIR, FOLLOW_KEY (hex), FOLLOW_VAULT, FOLLOW_MARKS.
import { FileKeyStore } from '../../../node/file-key-store.js';
import { S3ObjectStore } from '../../../node/s3-object-store.js';
import { systemClock } from '../../../node/system-clock.js';
import { SnapshotFollower } from '../snapshot-follower.js';
import { countingStore, recordingLogger } from './counting-store.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const store = countingStore(new S3ObjectStore(JSON.parse(env('FOLLOW_TARGET'))), async () => {
  say('SHARD');
  await new Promise((resolve) => setTimeout(resolve, 40));
});
const follower = new SnapshotFollower({
  store,
  vaultKey: new Uint8Array(Buffer.from(env('FOLLOW_KEY'), 'hex')),
  vaultId: env('FOLLOW_VAULT'),
  dir: env('FOLLOW_DIR'),
  clock: systemClock,
  logger: recordingLogger(),
  marks: new FileKeyStore(env('FOLLOW_MARKS')),
});
follower.on('swapped', () => say('SWAPPED'));
await follower.syncToLatest();
store.close?.();
say('DONE');
