import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { FakeClock } from '../../node/fake-clock.js';
import { startS3rver, stopS3rver, type S3rverProcess } from '../../node/test-support/s3rver-process.js';
import { useConditionalS3rver } from '../../node/test-support/conditional-s3rver.js';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { deriveBackupKeys } from '../backup/backup-keys.js';
import { leaseTiming, type RunnerFacts } from './lease-decision.js';
import { claimKey } from './claims.js';
import { RunnerCoordination } from './runner-coordination.js';

const HOUR = 3_600_000;
const VAULT = 'vault-coordination-test';
const keys = deriveBackupKeys(new Uint8Array(randomBytes(32)), VAULT);
const timing = leaseTiming(12 * HOUR);
const STALE = timing.ttlMs + timing.marginMs;
const WARNING = 'warning:pln_0000000000000000:1:2:email';

const s3 = useConditionalS3rver();

let prefixNumber = 0;
/** Two machines of one vault on a fresh prefix, each with a test-mode clock of its own. */
function machines(on: S3rverProcess = s3.server()) {
  const prefix = `coordination-${++prefixNumber}`;
  const runner = (name: string, role: 'primary' | 'standby', clock = new FakeClock(Date.UTC(2026, 0, 1))) => ({
    clock,
    coordination: new RunnerCoordination({
      store: s3.store(prefix, on),
      clock,
      keys,
      vaultId: VAULT,
      self: { id: `run_${name}`, name },
      role,
      timing,
    }),
  });
  return { store: s3.store(prefix, on), runner };
}

/** Writes the receipt of a send and returns its time as the bucket holds it. */
async function receiptOf(
  m: ReturnType<typeof machines>,
  runner: { coordination: RunnerCoordination },
  key: string,
): Promise<number> {
  await runner.coordination.gate.afterSend(key);
  const claim = JSON.parse(new TextDecoder().decode((await m.store.get(claimKey(key)))!)) as { sentAt: number };
  expect(claim.sentAt).toEqual(expect.any(Number));
  return claim.sentAt;
}

describe('RunnerCoordination against a real S3 server with conditional writes', () => {
  it("only the lease holder's gate says send; the claim it writes names it; the receipt follows the send", async () => {
    const m = machines();
    const desk = m.runner('desk', 'primary');
    const nas = m.runner('nas', 'standby', new FakeClock(Date.UTC(2031, 5, 5)));
    expect(await desk.coordination.gate.beforeSend(WARNING)).toEqual({ send: false, hold: true }); // no lease yet
    expect(await desk.coordination.tick()).toEqual({ step: 'acquire', wrote: true });
    await nas.coordination.tick();
    expect(desk.coordination.holds()).toBe(true);
    expect(nas.coordination.holds()).toBe(false);
    expect(await desk.coordination.gate.beforeSend(WARNING)).toEqual({ send: true });
    expect(await nas.coordination.gate.beforeSend(WARNING)).toEqual({ send: false, hold: true });
    // The standby never writes a claim: the one in the bucket is the holder's, unsent.
    const claim = JSON.parse(new TextDecoder().decode((await m.store.get(claimKey(WARNING)))!));
    expect(claim).toMatchObject({ runner: { id: 'run_desk', name: 'desk' }, epoch: 1, sentAt: null });
    const before = desk.clock.now();
    await desk.coordination.gate.afterSend(WARNING);
    const receipt = JSON.parse(new TextDecoder().decode((await m.store.get(claimKey(WARNING)))!));
    expect(receipt.sentAt).toBeGreaterThanOrEqual(before);
    expect(receipt.sentAt).toBeLessThanOrEqual(desk.clock.now());
    expect(desk.coordination.facts()).toMatchObject({ role: 'primary', leaseHolder: { name: 'desk' }, leaseEpoch: 1 });
    expect(nas.coordination.facts()).toMatchObject({ role: 'standby', leaseHolder: { name: 'desk' }, leaseEpoch: 1 });
  });

  it('a standby takes over a silent primary; the old primary holds from then on and learns what was sent there', async () => {
    const m = machines();
    const desk = m.runner('desk', 'primary');
    const nas = m.runner('nas', 'standby');
    const seenByDesk: RunnerFacts[] = [];
    desk.coordination.onChange((facts) => seenByDesk.push(facts));
    await desk.coordination.tick();
    await nas.coordination.tick();
    nas.clock.advance(STALE); // the primary fell silent (asleep: its clocks stood still)
    expect(await nas.coordination.tick()).toEqual({ step: 'takeover', wrote: true });
    expect(nas.coordination.holds()).toBe(true);
    expect(await nas.coordination.gate.beforeSend(WARNING)).toEqual({ send: true });
    // The primary wakes: it sees the lease changed hands, and its gate holds at once.
    desk.clock.advance(timing.renewEveryMs);
    expect(await desk.coordination.tick()).toEqual({ step: 'wait', wrote: false });
    expect(desk.coordination.holds()).toBe(false);
    expect(seenByDesk.at(-1)).toMatchObject({ role: 'standby', leaseHolder: { name: 'nas' }, leaseEpoch: 2 });
    expect(await desk.coordination.gate.beforeSend(WARNING)).toEqual({ send: false, hold: true });
    const sentAt = await receiptOf(m, nas, WARNING);
    // Asked again within the renewal period it does not read the bucket again; after it, it does.
    expect(await desk.coordination.gate.beforeSend(WARNING)).toEqual({ send: false, hold: true });
    desk.clock.advance(timing.renewEveryMs);
    expect(await desk.coordination.gate.beforeSend(WARNING)).toEqual({
      send: false,
      sentElsewhere: { runner: 'nas', at: sentAt },
    });
    // The holder sees the same: a send it already made elsewhere is never sent twice.
    expect(await nas.coordination.gate.beforeSend(WARNING)).toEqual({ send: true }); // its own claim
  });

  it("a holder meeting the other runner's claim: with a receipt it is sent elsewhere, without one it holds", async () => {
    const m = machines();
    const desk = m.runner('desk', 'primary');
    const nas = m.runner('nas', 'standby');
    await desk.coordination.tick();
    await nas.coordination.tick();
    nas.clock.advance(STALE);
    await nas.coordination.tick();
    const sent = 'delivery:msg_1:rcp_1';
    const claimedOnly = 'delivery:msg_1:rcp_2';
    expect(await nas.coordination.gate.beforeSend(sent)).toEqual({ send: true });
    const sentAt = await receiptOf(m, nas, sent);
    expect(await nas.coordination.gate.beforeSend(claimedOnly)).toEqual({ send: true });
    // The standby hands the lease back; the primary takes it at once and meets the standby's claims.
    expect(await nas.coordination.release()).toBe(true);
    expect(nas.coordination.holds()).toBe(false);
    expect(await desk.coordination.tick()).toEqual({ step: 'takeover', wrote: true });
    expect(desk.coordination.facts()).toMatchObject({ role: 'primary', leaseEpoch: 4 });
    expect(await desk.coordination.gate.beforeSend(sent)).toEqual({
      send: false,
      sentElsewhere: { runner: 'nas', at: sentAt },
    });
    // Unsent, of an older epoch: its writer lost the lease and is not sending it; the holder takes it over.
    expect(await desk.coordination.gate.beforeSend(claimedOnly)).toEqual({ send: true });
  });

  it('bucket unreachable: the holder sends only while its lease is fresh; a runner without it never sends', async () => {
    const own = await startS3rver('afterword', undefined, { conditionalWrites: true });
    try {
      const m = machines(own);
      const desk = m.runner('desk', 'primary');
      const nas = m.runner('nas', 'standby');
      await desk.coordination.tick();
      await nas.coordination.tick();
      await own.stop();
      desk.clock.advance(timing.ttlMs - 60_000); // a minute of real time to spare: the test clock runs on
      expect((await desk.coordination.tick()).step).toBe('unreachable');
      expect(await desk.coordination.gate.beforeSend(WARNING)).toEqual({ send: true });
      await desk.coordination.gate.afterSend(WARNING); // never throws
      expect(await nas.coordination.gate.beforeSend(WARNING)).toEqual({ send: false, hold: true });
      desk.clock.advance(60_000);
      expect(await desk.coordination.gate.beforeSend(WARNING)).toEqual({ send: false, hold: true });
      await own.restart();
      expect(await desk.coordination.tick()).toEqual({ step: 'renew', wrote: true });
      expect(await desk.coordination.gate.beforeSend(WARNING)).toEqual({ send: true });
    } finally {
      await stopS3rver(own);
    }
  }, 60_000);

  it('a holder whose lease ran out while its claim was written holds the send', async () => {
    /** The claim's write lands only after the holder's TTL has passed on its clock. */
    class SlowClaims extends S3ObjectStore {
      onClaim: () => void = () => undefined;
      override async putIfAbsent(key: string, body: Uint8Array): Promise<string> {
        if (key.startsWith('standby/claims/')) this.onClaim();
        return super.putIfAbsent(key, body);
      }
    }
    const prefix = `coordination-slow-${++prefixNumber}`;
    const store = new SlowClaims(s3.server().target(prefix));
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const self = { id: 'run_desk', name: 'desk' };
    const desk = new RunnerCoordination({ store, clock, keys, vaultId: VAULT, self, role: 'primary', timing });
    await desk.tick();
    store.onClaim = () => clock.advance(timing.ttlMs);
    expect(await desk.gate.beforeSend(WARNING)).toEqual({ send: false, hold: true });
    store.close();
  });
});
