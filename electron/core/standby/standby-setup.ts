import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { parseStandbyCode, type StandbyCode } from '../../../shared/standby-code.js';
import type { Clock } from '../ports/clock.js';
import type { KeyStore } from '../ports/key-store.js';
import type { BucketTarget, ObjectStoreFactory } from '../ports/object-store.js';
import { writeStandbyAlive } from './standby-alive.js';
import { StandbyFolderTakenError } from './pairing-errors.js';
import { refuseWithoutConditionalWrites } from './conditional-writes-check.js';

import { STANDBY_CONFIG_FILE } from './standby-files.js';

export { STANDBY_CONFIG_FILE };

export interface StandbyConfig {
  format: 1;
  /** Names this standby's entries in the key store. */
  id: string;
  endpoint: string;
  bucket: string;
  prefix: string;
  region: string;
  pathStyle: boolean;
  ca: string | null;
  recipient: string;
  fingerprint: string;
  createdAt: number;
  /** The key store that holds the identity (its backend name), so a silent change is caught. */
  keyStore: string;
}

const identityAccount = (id: string): string => `standby-${id}-identity`;
const credentialsAccount = (id: string): string => `standby-${id}-s3`;

export interface StandbySetupDeps {
  keyStore: KeyStore;
  clock: Clock;
  stores: ObjectStoreFactory;
}

async function storeAndCheck(keyStore: KeyStore, account: string, secret: Uint8Array): Promise<void> {
  await keyStore.set(account, secret);
  const back = await keyStore.get(account);
  if (!back || Buffer.compare(Buffer.from(back), Buffer.from(secret)) !== 0) {
    throw new Error(`the ${keyStore.backend} key store did not return what was stored`);
  }
}

/**
 * `standby init`: a new age X25519 identity in the key store, the bucket's S3 credentials beside
 * it, the rest in `standby.json` (0600) in `dir`, and a first sign of life in the bucket. Refused
 * for a folder that is a standby or a vault already, and for a bucket that ignores conditional
 * writes. Returns the pairing code to give to the primary.
 */
export async function initStandby(dir: string, target: BucketTarget, deps: StandbySetupDeps): Promise<StandbyCode> {
  const file = join(dir, STANDBY_CONFIG_FILE);
  if (existsSync(file)) {
    const existing = JSON.parse(await readFile(file, 'utf8')) as StandbyConfig;
    throw new StandbyFolderTakenError(
      `${dir} is a standby already; its pairing code is ${existing.recipient} (fingerprint ${existing.fingerprint}). To start over, delete ${file}`,
    );
  }
  if (existsSync(join(dir, 'vault.db'))) {
    throw new StandbyFolderTakenError(`${dir} holds a vault: give the standby a folder of its own (--vault DIR)`);
  }
  const identity = await generateX25519Identity();
  const code = parseStandbyCode(await identityToRecipient(identity))!;
  const store = deps.stores(target);
  try {
    await refuseWithoutConditionalWrites(store);
    // Proves the credentials can write where the primary will look, before anything is kept here.
    await writeStandbyAlive(store, deps.clock, code.fingerprint);
  } finally {
    store.close?.();
  }
  const id = randomBytes(8).toString('hex');
  const { accessKeyId, secretAccessKey, ca, ...where } = target;
  await storeAndCheck(deps.keyStore, identityAccount(id), new TextEncoder().encode(identity));
  await storeAndCheck(
    deps.keyStore,
    credentialsAccount(id),
    new TextEncoder().encode(JSON.stringify({ accessKeyId, secretAccessKey })),
  );
  const config: StandbyConfig = {
    format: 1,
    id,
    ...where,
    ca: ca ?? null,
    ...code,
    createdAt: deps.clock.now(),
    keyStore: deps.keyStore.backend,
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${id}.tmp`;
  await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
  return code;
}

export interface LoadedStandby {
  config: StandbyConfig;
  /** The age identity (AGE-SECRET-KEY-1…): unwrapStandbyPairing's first argument. */
  identity: string;
  target: BucketTarget;
}

/** The standby of `dir` as `standby init` left it: for `serve --standby` and the follower. */
export async function loadStandby(dir: string, keyStore: KeyStore): Promise<LoadedStandby | null> {
  const file = join(dir, STANDBY_CONFIG_FILE);
  if (!existsSync(file)) return null;
  const config = JSON.parse(await readFile(file, 'utf8')) as StandbyConfig;
  const identity = await keyStore.get(identityAccount(config.id));
  const credentials = await keyStore.get(credentialsAccount(config.id));
  if (!identity || !credentials) {
    throw new Error(
      `the standby's identity is not in the ${keyStore.backend} key store (it was kept in ${config.keyStore}): run standby init again in a new folder and pair it again`,
    );
  }
  const { accessKeyId, secretAccessKey } = JSON.parse(new TextDecoder().decode(credentials)) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  const { endpoint, bucket, prefix, region, pathStyle, ca } = config;
  return {
    config,
    identity: new TextDecoder().decode(identity),
    target: { endpoint, bucket, prefix, region, pathStyle, ca, accessKeyId, secretAccessKey },
  };
}
