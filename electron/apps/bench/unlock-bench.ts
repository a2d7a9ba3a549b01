/** (3) Unlock with the default KDF: Vault.open + unlock on a vault created with DEFAULT_SCRYPT. */
import { join } from 'node:path';
import { DEFAULT_SCRYPT } from '../../core/crypto/kdf.js';
import { Vault } from '../../core/vault/vault.js';
import { systemClock } from '../../node/system-clock.js';
import { median, nowMs } from './stats.js';
import { BENCH_PASSWORD } from './write-bench.js';

export interface UnlockResult {
  medianMs: number;
  runsMs: number[];
  logN: number;
}

export async function unlockBench(tmp: string, runs: number): Promise<UnlockResult> {
  const dir = join(tmp, 'vault-default-kdf');
  const created = await Vault.create(dir, BENCH_PASSWORD, { clock: systemClock });
  await created.vault.close();
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = nowMs();
    const vault = await Vault.open(dir, { clock: systemClock });
    await vault.unlock(BENCH_PASSWORD);
    runsMs.push(nowMs() - start);
    await vault.close();
  }
  return { medianMs: median(runsMs), runsMs, logN: DEFAULT_SCRYPT.logN };
}
