import { AfterwordError, BadRequestError, ConflictError, IntegrityError } from '../errors.js';

/** A name that is not a short slug. */
export class StandbyNameInvalidError extends BadRequestError {
  constructor(name: string) {
    super(
      `"${name}" is not a standby name: use 1 to 32 lower-case letters, digits and dashes (e.g. nas or vps-berlin)`,
    );
  }
}

/** A pairing code that is not a standby's `age1…` code (mistyped, cut short, or something else). */
export class StandbyCodeInvalidError extends BadRequestError {
  constructor() {
    super('that is not a pairing code: copy the whole age1… code that `afterword standby init` printed on the standby');
  }
}

/** The name, or the standby behind the code, is paired already. */
export class StandbyTakenError extends ConflictError {
  constructor(
    readonly reason: 'name' | 'code',
    name: string,
  ) {
    super(
      reason === 'name'
        ? `a standby named ${name} is paired already: choose another name, or remove it first (afterword standby rm ${name})`
        : `this standby is paired already, as ${name}`,
    );
  }
}

export class StandbyNotFoundError extends AfterwordError {
  constructor(name: string) {
    super('NOT_FOUND', `no standby is named ${name}: afterword standby list shows them`);
  }
}

/** On the standby: the bucket holds no pairing for this standby's identity (never paired, or removed). */
export class StandbyNotPairedError extends AfterwordError {
  constructor(where: string, fingerprint: string) {
    super(
      'NOT_FOUND',
      `${where} holds no pairing for this standby (${fingerprint}): on the primary, run afterword standby add --name NAME --code CODE (or Backup → Standby); a removed standby stays unpaired`,
    );
  }
}

/** On the standby: a pairing that does not check (signature, vault id or keys do not match). */
export class StandbyPairingTamperedError extends IntegrityError {}

/** `standby init` in a folder that is a standby already, or a vault. */
export class StandbyFolderTakenError extends ConflictError {}
