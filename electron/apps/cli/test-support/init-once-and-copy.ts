// Test helper: a vault set up once per test file, copied for each test (a closed vault is a folder).
import { beforeAll } from 'vitest';
import { CliVault, assertCliBuilt, type TempDirs } from './run-cli.js';

/** The vault a test file sets up once: each test takes its own copy (`copy`), as `init` left it. */
export interface BaseVault {
  copy(label: string): Promise<CliVault>;
  /** The recovery key `init` printed (every copy has it). */
  recoveryKey(): string;
}

/**
 * Registers a beforeAll that makes one vault with `init` for the whole file: copying it costs a
 * `cp`, where `init` in every test cost a CLI spawn and the KDF.
 */
export function initOnceAndCopy(temp: TempDirs): BaseVault {
  let base: CliVault | null = null;
  let recoveryKey = '';
  beforeAll(async () => {
    assertCliBuilt();
    const made = await CliVault.create(temp, 'base');
    recoveryKey = await made.init();
    base = made;
  });
  const made = (): CliVault => {
    if (!base) throw new Error('the base vault is made in beforeAll');
    return base;
  };
  return {
    copy: (label) => CliVault.copyOf(made(), temp, label),
    recoveryKey: () => {
      made();
      return recoveryKey;
    },
  };
}
