import { armor, Decrypter, identityToRecipient } from 'age-encryption';
import { parseStandbyCode } from '../../../shared/standby-code.js';
import type { ObjectStore } from '../ports/object-store.js';
import { deriveBackupKeys, publicKeyFromHex } from '../backup/backup-keys.js';
import { readConfig } from '../backup/bucket-identity.js';
import { isPairingObjectSignedBy, readPairingJson } from './pairing-objects.js';
import { STANDBY_ROSTER_KEY, standbyMemberKey, type StandbyMember, type StandbyRoster } from './standby-layout.js';
import { StandbyNotPairedError, StandbyPairingTamperedError } from './pairing-errors.js';

export interface UnwrappedPairing {
  vaultKey: Uint8Array;
  vaultId: string;
  /** The backup signing key's public half (hex), as the bucket's `config` names it. */
  publicKey: string;
  /** The name the primary gave this standby. */
  name: string;
  fingerprint: string;
}

/** What a standby saw before: a bucket that now names another vault or key is refused. */
export interface PairingPin {
  vaultId: string;
  publicKey: string;
}

const tampered = (what: string): StandbyPairingTamperedError =>
  new StandbyPairingTamperedError(`the pairing in the bucket does not check: ${what}`);

/**
 * The standby's side of pairing: with its age identity, finds its wrap in the bucket, checks the
 * roster's and the wrap's signatures against the bucket's `config` public key, unwraps the vault
 * key and checks that the backup keys derived from it are the ones `config` names (so a `config`
 * swapped together with a forged wrap is caught too, against `pin`).
 */
export async function unwrapStandbyPairing(
  store: ObjectStore,
  identity: string,
  pin?: PairingPin | null,
): Promise<UnwrappedPairing> {
  const own = parseStandbyCode(await identityToRecipient(identity));
  if (!own) throw new Error('the standby identity is not an X25519 age identity');
  const notPaired = () => new StandbyNotPairedError(store.where, own.fingerprint);
  const config = await readConfig(store);
  if (!config) throw notPaired();
  if (pin && (pin.vaultId !== config.vaultId || pin.publicKey !== config.publicKey)) {
    throw tampered(
      `the bucket's config names vault ${config.vaultId}, not the vault this standby follows (${pin.vaultId})`,
    );
  }
  const publicKey = publicKeyFromHex(config.publicKey);
  const roster = await readPairingJson<StandbyRoster>(store, STANDBY_ROSTER_KEY);
  if (!roster) throw notPaired();
  if (!isPairingObjectSignedBy(publicKey, 'roster', roster) || roster.vaultId !== config.vaultId) {
    throw tampered("the roster's signature is not the vault's");
  }
  const entry = roster.members.find((m) => m.recipient === own.recipient);
  if (!entry) throw notPaired();
  const member = await readPairingJson<StandbyMember>(store, standbyMemberKey(entry.name));
  if (!member) throw notPaired();
  if (!isPairingObjectSignedBy(publicKey, 'member', member)) throw tampered("the wrap's signature is not the vault's");
  if (member.vaultId !== config.vaultId || member.recipient !== own.recipient || member.name !== entry.name) {
    throw tampered('the wrap was made for another vault or another standby');
  }
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  let vaultKey: Uint8Array;
  try {
    vaultKey = await decrypter.decrypt(armor.decode(member.wrap));
  } catch (error) {
    throw new StandbyPairingTamperedError(
      `the wrap does not open with this standby's identity: ${(error as Error).message}`,
    );
  }
  if (deriveBackupKeys(vaultKey, config.vaultId).publicKeyHex !== config.publicKey) {
    vaultKey.fill(0);
    throw tampered("the unwrapped key is not the one the bucket's config was made with");
  }
  return {
    vaultKey,
    vaultId: config.vaultId,
    publicKey: config.publicKey,
    name: entry.name,
    fingerprint: own.fingerprint,
  };
}
