/**
 * Where pairing lives in the bucket, under the backup target's prefix. Nothing here is secret: the
 * vault key travels only inside an age file that only the standby's identity opens.
 */
export const STANDBY_ROSTER_KEY = 'standby/roster';
export const STANDBY_MEMBERS_PREFIX = 'standby/members/';
export const STANDBY_ALIVE_PREFIX = 'standby/alive/';

export const standbyMemberKey = (name: string): string => `${STANDBY_MEMBERS_PREFIX}${name}`;
/** By fingerprint: a standby writes it before it knows the name the primary gives it. */
export const standbyAliveKey = (fingerprint: string): string => `${STANDBY_ALIVE_PREFIX}${fingerprint}`;

export const STANDBY_FORMAT = 1;

/** One paired standby as the roster lists it. */
export interface RosterEntry {
  name: string;
  recipient: string;
  fingerprint: string;
  addedAt: number;
}

/** `standby/roster`: every standby paired now (republished without one that is removed). */
export interface StandbyRoster {
  format: number;
  vaultId: string;
  members: RosterEntry[];
  /** Ed25519 by the backup signing key (see pairing-objects.ts). */
  signature?: string;
}

/** `standby/members/<name>`: the vault key, as an ASCII-armored age file to the standby's recipient. */
export interface StandbyMember extends RosterEntry {
  format: number;
  vaultId: string;
  wrap: string;
  /** Ed25519 by the backup signing key (see pairing-objects.ts). */
  signature?: string;
}

/** `standby/alive/<fingerprint>`: a standby's last sign of life (the server's time is what counts). */
export interface StandbyAlive {
  format: number;
  fingerprint: string;
  /** The standby's own clock when it wrote (for people; never trusted for decisions). */
  at: number;
  /** What the standby is doing: 'paired-waiting' before its first unwrap, later what serve --standby says. */
  state: string;
}
