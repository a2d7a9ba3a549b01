// A crash never loses a delivery, and never sends one twice except for the mails that were in
// flight when the process died (which carry the same Message-ID, so receivers can drop them).
//
// One message to 100 e-mail recipients on a short plan is escalated (in process, with a manual
// clock) to `triggered`, leaving 100 deliveries in the outbox behind a 10-minute delivery delay.
// Then the compiled CLI runs `afterword tick` with a fake clock past the delay, against a real
// SMTP server that takes 30–60 ms per DATA, and is killed with SIGKILL at a random moment after it
// starts sending. Each restart moves the fake clock 3 minutes on, past the outbox's 2-minute lease,
// so rows left `sending` by the dead process are taken again, unless the sent journal shows the
// relay had accepted them (then they are recorded, not sent again). The last run is left to finish.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_SCRYPT } from '../../core/crypto/kdf.js';
import { DEFAULT_LEASE_MS } from '../../core/delivery/outbox-worker.js';
import { SETTINGS } from '../../core/delivery/owner-settings.js';
import { createEngine, initializeVaultContent } from '../../core/engine.js';
import type { StatusReport } from '../../core/schedule/status.js';
import { createVaultServices } from '../../core/services.js';
import { Vault } from '../../core/vault/vault.js';
import { ManualClock } from '../../core/test-support/manual-clock.js';
import {
  CLI_BIN,
  CliVault,
  REPO_ROOT,
  TempDirs,
  assertCliBuilt,
  cleanEnv,
  describeResult,
  type CliResult,
} from './test-support/run-cli.js';
import { SmtpSink, type ReceivedMail } from './test-support/smtp-sink.js';

const RECIPIENTS = 100;
const TARGET_KILLS = 8;
const MIN_KILLS = 5;
/** The outbox worker's default concurrency: at most this many mails are in flight when a kill lands. */
const LANES = 4;
const ROUND_STEP_MS = 3 * 60_000;
const DELIVERY_DELAY_MS = 10 * 60_000;
const T0 = Date.parse('2031-06-01T08:00:00.000Z');
const OWNER = 'owner@example.org';

const temp = new TempDirs();
const smtp = new SmtpSink({ dataDelayMs: [30, 60] });
let vault: CliVault;
let planId: string;
const addresses: string[] = Array.from({ length: RECIPIENTS }, (_, i) => `r${String(i).padStart(3, '0')}@example.org`);
/** When the plan went to `triggered`, on the manual clock. */
let triggeredAt = 0;

const fake = (at: number): Record<string, string> => ({
  AFTERWORD_ALLOW_FAKE_CLOCK: '1',
  AFTERWORD_FAKE_NOW: new Date(at).toISOString(),
});

/** Builds the vault in process and escalates it to `triggered` with a manual clock. */
async function prepareVault(): Promise<void> {
  vault = await CliVault.create(temp, 'outbox-crash');
  const clock = new ManualClock(T0);
  const deps = { clock, scrypt: { ...DEFAULT_SCRYPT, logN: 15 } };
  const { vault: v } = await Vault.create(vault.dir, vault.password, deps);
  try {
    const services = createVaultServices(v, clock);
    initializeVaultContent(services);
    services.settings.set(SETTINGS.owner, { email: OWNER, name: null });
    services.settings.set(SETTINGS.smtp, {
      host: '127.0.0.1',
      port: smtp.port,
      tls: 'none',
      user: null,
      password: null,
      from: 'afterword@example.org',
    });
    const recipientIds = addresses.map(
      (contact, i) => services.recipients.add({ type: 'email', name: `Recipient ${i}`, contact }).id,
    );
    const level = { waitMs: 60_000, channels: ['desktop' as const] };
    planId = services.plans.create({
      name: 'Crash',
      intervalMs: 60_000,
      levels: [level, level, level, level, level],
    }).id;
    services.messages.create({
      title: 'For all of you',
      body: 'One message, a hundred readers.',
      recipientIds,
      planId,
      deliveryDelayMs: DELIVERY_DELAY_MS,
    });

    const engine = createEngine(services, { clock });
    try {
      for (let step = 0; step < 30 && triggeredAt === 0; step++) {
        const { tick, drain } = await engine.runOnce('test');
        expect(drain.failed).toBe(0);
        if (tick.transitions.some((t) => t.planId === planId && t.to === 'triggered')) triggeredAt = clock.now();
        else clock.advance(61_000);
      }
    } finally {
      await engine.close();
    }
  } finally {
    await v.close();
  }
  expect(triggeredAt, 'the plan never reached triggered').toBeGreaterThan(0);
}

interface Round extends CliResult {
  round: number;
  killed: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rows of the sent journal: sends the relay accepted that the running process has not recorded yet. */
function notedSends(): number {
  const db = new Database(join(vault.dir, 'vault.db'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM outbox_sent_journal').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Polls the sent journal until it holds a noted send, then calls `then` (not after `stop`). */
function whenNoted(then: () => void): () => void {
  let stopped = false;
  const poll = (): void => {
    if (stopped) return;
    if (notedSends() > 0) then();
    else setTimeout(poll, 2);
  };
  poll();
  return () => {
    stopped = true;
  };
}

/**
 * How a round ends: not killed; SIGKILLed 0–250 ms after its first RCPT TO reaches the server; or
 * SIGKILLed as soon as the sent journal holds a send it has not recorded yet (on a loaded machine a
 * random kill can land before any send was noted, every time).
 */
type Kill = 'none' | 'random' | 'noted';

function runRound(round: number, at: number, kill: Kill): Promise<Round> {
  const label = `round-${round}`;
  smtp.label = label;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, 'tick', '--json'], {
      cwd: REPO_ROOT,
      env: cleanEnv(vault.env(fake(at))),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let killTimer: NodeJS.Timeout | undefined;
    let stopPolling = (): void => undefined;
    let killing = false;
    const stopListening =
      kill === 'none'
        ? () => undefined
        : smtp.onRcpt((_address, current) => {
            if (current !== label || killing) return;
            killing = true;
            if (kill === 'random') killTimer = setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 250));
            else stopPolling = whenNoted(() => child.kill('SIGKILL'));
          });
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      clearTimeout(killTimer);
      stopPolling();
      stopListening();
      resolve({
        round,
        killed: signal === 'SIGKILL' && killing,
        code: code ?? -1,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

beforeAll(async () => {
  assertCliBuilt();
  await smtp.start();
  await prepareVault();
}, 60_000);

afterAll(async () => {
  await smtp.stop();
  await temp.cleanup();
});

it('SIGKILLed while draining 100 deliveries: every recipient gets the message, duplicates only from kills, same Message-ID', async () => {
  expect(ROUND_STEP_MS).toBeGreaterThan(DEFAULT_LEASE_MS);
  const start = triggeredAt + DELIVERY_DELAY_MS + 30_000;
  const before = await vault.json<StatusReport>(['status'], fake(start));
  expect(before.plans.find((p) => p.id === planId)?.state).toBe('triggered');
  expect(before.outbox).toMatchObject({ pending: RECIPIENTS, sending: 0, failed: 0 });

  const rounds: Round[] = [];
  let at = start;
  for (let round = 0; round < 40; round++) {
    const kills = rounds.filter((x) => x.killed).length;
    const r = await runRound(round, at, kills >= TARGET_KILLS ? 'none' : kills % 2 === 0 ? 'noted' : 'random');
    rounds.push(r);
    at += ROUND_STEP_MS;
    if (r.killed) continue;
    expect(r.code, describeResult(r)).toBe(0);
    const { drain } = JSON.parse(r.stdout) as { drain: { failed: number; retrying: number } };
    expect(drain).toMatchObject({ failed: 0, retrying: 0 });
    break;
  }
  const killedRounds = new Set(rounds.filter((r) => r.killed).map((r) => `round-${r.round}`));
  const summary = rounds.map((r) => `${r.round}:${r.killed ? 'killed' : `exit ${r.code}`}`).join(' ');
  expect(killedRounds.size, `too few kills landed mid-drain: ${summary}`).toBeGreaterThanOrEqual(MIN_KILLS);
  expect(rounds.at(-1)!.killed, summary).toBe(false);
  await sleep(200); // a DATA answered after its client died is recorded a little later

  // The outbox is empty, nothing failed, and one more tick closes the plan.
  const closing = await vault.json<{ tick: { transitions: { planId: string; to: string }[] } }>(['tick'], fake(at));
  expect(closing.tick.transitions.filter((t) => t.planId === planId).map((t) => t.to)).toEqual(['sent']);
  const after = await vault.json<StatusReport>(['status'], fake(at + 1_000));
  expect(after.outbox).toMatchObject({ pending: 0, sending: 0, failed: 0 });
  expect(after.plans.find((p) => p.id === planId)?.state).toBe('sent');
  expect(await vault.json(['audit', 'verify'])).toMatchObject({ ok: true });

  // Every recipient received the message (by RCPT TO); nobody else did.
  const byRecipient = new Map<string, ReceivedMail[]>();
  for (const mail of smtp.mails) {
    expect(mail.rcptTo).toHaveLength(1);
    const copies = byRecipient.get(mail.rcptTo[0]!) ?? [];
    copies.push(mail);
    byRecipient.set(mail.rcptTo[0]!, copies);
  }
  expect([...byRecipient.keys()].sort()).toEqual(addresses);

  // Duplicates: every copy but the last was received in a round that was then killed (the
  // process died before recording the send), at most one copy per round, and a killed round
  // leaves at most LANES unrecorded sends behind. All copies carry one Message-ID.
  const duplicatesPerRound = new Map<string, number>();
  let duplicates = 0;
  for (const [address, copies] of byRecipient) {
    const rounds = copies.map((c) => c.label ?? '?');
    expect(new Set(rounds).size, `${address} got two copies in one run: ${rounds.join(', ')}`).toBe(copies.length);
    for (const earlier of rounds.slice(0, -1)) {
      expect(killedRounds.has(earlier), `${address}: a copy from ${earlier}, which was not killed (${summary})`).toBe(
        true,
      );
      duplicatesPerRound.set(earlier, (duplicatesPerRound.get(earlier) ?? 0) + 1);
    }
    duplicates += copies.length - 1;
    expect(new Set(copies.map((c) => c.messageId)).size, `${address}: Message-IDs differ`).toBe(1);
    expect(copies[0]!.messageId).toMatch(/^<[0-9a-f]{32}@afterword\.invalid>$/);
    expect(new Set(copies.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(copies.every((c) => c.subject === 'For all of you')).toBe(true);
  }
  for (const [round, count] of duplicatesPerRound)
    expect(count, `${round} left ${count} duplicates`).toBeLessThanOrEqual(LANES);
  expect(duplicates).toBeLessThanOrEqual(killedRounds.size * LANES);
  // Each recipient has its own Message-ID.
  expect(new Set([...byRecipient.values()].map((c) => c[0]!.messageId)).size).toBe(RECIPIENTS);

  // Each delivery was recorded once, however many copies went out; sends a killed run had noted
  // in the journal were recorded by a later run instead of being sent again.
  const db = new Database(join(vault.dir, 'vault.db'), { readonly: true });
  try {
    const recorded = db
      .prepare(`SELECT detail FROM audit_log WHERE action = 'outbox.sent'`)
      .pluck()
      .all()
      .map((detail) => JSON.parse(detail as string) as { kind: string; recordedAfterRestart?: boolean })
      .filter((d) => d.kind === 'delivery');
    expect(recorded).toHaveLength(RECIPIENTS);
    expect(notedSends()).toBe(0);
    const fromJournal = recorded.filter((d) => d.recordedAfterRestart).length;
    // Half the kills landed while the journal held noted sends.
    expect(fromJournal, 'no kill left a noted send for the next run to record').toBeGreaterThan(0);
    console.log(
      `outbox-crash: ${summary}; ${smtp.mails.length} mails for ${RECIPIENTS} recipients, ${duplicates} duplicate(s), ` +
        `${fromJournal} send(s) of killed runs recorded from the journal`,
    );
  } finally {
    db.close();
  }
}, 180_000);
