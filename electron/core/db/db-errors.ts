import { AfterwordError } from '../errors.js';

export class VaultTooNewError extends AfterwordError {
  constructor(found: number | string, supported: number) {
    super(
      'VAULT_TOO_NEW',
      `this vault was written by a newer Afterword (schema ${found}; this version understands up to ${supported}). ` +
        'Update Afterword to open it; nothing was changed.',
    );
  }
}
