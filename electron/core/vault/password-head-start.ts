import { scryptDerive, type ScryptParams } from '../crypto/kdf.js';

/**
 * A password's scrypt begun before the vault is opened: a short CLI command knows the password
 * (AFTERWORD_PASSWORD) and can read the salt at once, so the KDF runs on the thread pool while the
 * command loads, instead of after it. The unwrap that follows takes its result when the password,
 * salt and cost are the same, and derives as usual otherwise. Kept for one unwrap only.
 */
interface HeadStart {
  password: string;
  salt: string;
  params: ScryptParams;
  kek: Promise<Uint8Array>;
}

let pending: HeadStart | null = null;

export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

const saltBytes = (salt: string): Uint8Array => new Uint8Array(Buffer.from(salt, 'hex'));

/** Starts scrypt(password, salt) now; `salt` as stored in the wrap (hex). Replaces an earlier one. */
export function startPasswordKek(password: string, salt: string, params: ScryptParams): Promise<Uint8Array> {
  const kek = scryptDerive(normalizePassword(password), saltBytes(salt), params);
  // Nobody may ever ask for it (a wrong vault, a command that fails first): not an unhandled rejection.
  kek.catch(() => undefined);
  pending = { password: normalizePassword(password), salt, params: { ...params }, kek };
  return kek;
}

/** The key-encryption key for this password and salt: the head start's when it matches. */
export function passwordKek(password: string, salt: string, params: ScryptParams): Promise<Uint8Array> {
  const normalized = normalizePassword(password);
  const started = pending;
  pending = null;
  if (
    started !== null &&
    started.password === normalized &&
    started.salt === salt &&
    started.params.logN === params.logN &&
    started.params.r === params.r &&
    started.params.p === params.p
  )
    return started.kek;
  return scryptDerive(normalized, saltBytes(salt), params);
}

/** Whether a head start is still waiting for its unwrap (it keeps the process alive until done). */
export function passwordHeadStartPending(): boolean {
  return pending !== null;
}
