import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { useConditionalS3rver } from '../../node/test-support/conditional-s3rver.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import { idempotencyDigest } from '../delivery/idempotency-digest.js';
import { claimKey, SendClaims, type ClaimOutcome } from './claims.js';
import type { StandbyKeys } from './signed-object.js';

const VAULT = 'vault-claims-test';
const keys = deriveBackupKeys(new Uint8Array(randomBytes(32)), VAULT);
const WARNING = 'warning:pln_0000000000000000:3:1:email';

const s3 = useConditionalS3rver();

let prefixNumber = 0;
function machines(on: S3rverProcess = s3.server()) {
  const prefix = `claims-${++prefixNumber}`;
  const store = () => s3.store(prefix, on);
  return {
    store: store(),
    runner(name: string, epoch: number | null, runnerKeys: StandbyKeys = keys) {
      return new SendClaims({
        store: store(),
        clock: new ManualClock(Date.UTC(2026, 0, 1)),
        keys: runnerKeys,
        vaultId: VAULT,
        self: { id: `run_${name}`, name },
        epoch: () => epoch,
      });
    },
  };
}

describe('SendClaims against a real S3 server with conditional writes', () => {
  it('names the claim by the idempotency digest, the same on every machine', () => {
    expect(claimKey(WARNING)).toBe(`standby/claims/${idempotencyDigest(WARNING)}`);
  });

  it('the first claimer sends; the other is told who and when; after the receipt, that it was sent', async () => {
    const m = machines();
    const desk = m.runner('desk', 2);
    const spare = m.runner('spare', 2);
    expect(await desk.claim(WARNING)).toEqual({ outcome: 'ours' });
    expect(await m.store.getTagged(claimKey(WARNING))).not.toBeNull();
    expect(await spare.claim(WARNING)).toEqual({
      outcome: 'theirs',
      runner: { id: 'run_desk', name: 'desk' },
      epoch: 2,
      at: Date.UTC(2026, 0, 1),
      sentAt: null,
    });
    expect(await spare.receipt(WARNING)).toBe(false);
    expect(await desk.receipt(WARNING)).toBe(true);
    expect(await spare.claim(WARNING)).toMatchObject({ outcome: 'theirs', sentAt: Date.UTC(2026, 0, 1) });
  });

  it('a runner restarted after a crash finds its own claim: ours again; once its receipt is written, sent', async () => {
    const m = machines();
    expect(await m.runner('desk', 1).claim(WARNING)).toEqual({ outcome: 'ours' });
    const restarted = m.runner('desk', 1);
    expect(await restarted.claim(WARNING)).toEqual({ outcome: 'ours' });
    expect(await restarted.receipt(WARNING)).toBe(true);
    // The same runner asked again (it lost its local record, or took the lease again from an older copy).
    expect(await m.runner('desk', 2).claim(WARNING)).toMatchObject({
      outcome: 'theirs',
      runner: { name: 'desk' },
      sentAt: expect.any(Number),
    });
  });

  it('an unsent claim of an older lease epoch goes to the new holder; a sent one never does', async () => {
    const m = machines();
    await m.runner('desk', 1).claim('delivery:a');
    expect(await m.runner('spare', 2).claim('delivery:a')).toEqual({ outcome: 'ours' });
    expect(await m.runner('desk', 1).claim('delivery:a')).toMatchObject({ outcome: 'theirs', epoch: 2 });
    const desk = m.runner('desk', 1);
    await desk.claim('delivery:b');
    await desk.receipt('delivery:b');
    expect(await m.runner('spare', 2).claim('delivery:b')).toMatchObject({
      outcome: 'theirs',
      runner: { name: 'desk' },
    });
  });

  it('a claim not signed by this vault is not believed: it is replaced, and one runner wins it', async () => {
    const m = machines();
    const stranger = deriveBackupKeys(new Uint8Array(randomBytes(32)), VAULT);
    await m.runner('intruder', 9, stranger).claim(WARNING);
    const outcomes = await Promise.all([m.runner('desk', 1).claim(WARNING), m.runner('spare', 1).claim(WARNING)]);
    expect(outcomes.filter((o) => o.outcome === 'ours')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'theirs')).toHaveLength(1);
  });

  it('two machines claiming the same sends at the same moment: exactly one "ours" for each, every time', async () => {
    const m = machines();
    const desk = m.runner('desk', 3);
    const spare = m.runner('spare', 3);
    for (let round = 0; round < 20; round++) {
      const key = `warning:pln_race:${round}:1:email`;
      const outcomes: ClaimOutcome[] = await Promise.all([desk.claim(key), spare.claim(key)]);
      expect(outcomes.filter((o) => o.outcome === 'ours')).toHaveLength(1);
      const other = outcomes.find((o) => o.outcome !== 'ours');
      expect(other?.outcome).toBe('theirs');
    }
  }, 60_000);

  it('an unreachable bucket is reported as such, never as ours or theirs', async () => {
    const own = await startS3rver('afterword', undefined, { conditionalWrites: true });
    const m = machines(own);
    await own.stop();
    try {
      const outcome = await m.runner('desk', 1).claim(WARNING);
      expect(outcome.outcome).toBe('unreachable');
      expect((outcome as { error: Error }).error.message).toMatch(/the bucket refused/);
    } finally {
      await stopS3rver(own);
    }
  }, 60_000);
});
