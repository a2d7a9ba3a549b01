/**
 * (6) Outbox delivery: `mails` e-mail deliveries queued in the outbox and drained by the engine's
 * OutboxWorker through its pooled EmailSender, against nodemailer's own pooled SMTP transport
 * sending the same number of mails (same subject, same 2 KiB text) to the same loopback relay,
 * with as many connections as the worker has lanes. For context, nodemailer alone also sends the
 * very mail our EmailSender renders (text + HTML part, Message-ID, idempotency header): the ratio
 * to that isolates the outbox pipeline from the size of the mail.
 *
 * The relay runs in a worker thread (see smtp-bench-server.ts). Each round starts every side with
 * a fresh pool (ours: a fresh engine, so a fresh EmailSender, whose pool lives in the process's
 * mail thread as in the app; nodemailer alone: in this thread, as an application calling it
 * would), and the rounds rotate which side goes first. A round only counts when every delivery
 * row ended `sent` and the relay accepted every mail. Besides wall time, each round's CPU time
 * (all threads) is kept: what the outbox costs is visible even where the mail thread hides it
 * from the wall clock.
 */
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import { renderEmail } from '../../core/delivery/email-render.js';
import { stableMessageId } from '../../core/delivery/email-sender.js';
import type { DrainReport } from '../../core/delivery/outbox-worker.js';
import { createEngine, initializeVaultContent } from '../../core/engine.js';
import { createVaultServices, type VaultServices } from '../../core/services.js';
import { Vault } from '../../core/vault/vault.js';
import { systemClock } from '../../node/system-clock.js';
import { SmtpBenchServer, type SinkStats } from './smtp-bench-server.js';
import { median, nowMs, timeAsync } from './stats.js';
import { BENCH_PASSWORD, SETUP_SCRYPT, makeBody } from './write-bench.js';

export interface MailSizes {
  mails: number;
  bodyBytes: number;
  /** Worker lanes (createEngine's `concurrency`) = nodemailer pool connections. */
  connections: number;
  /** Timed rounds per side, rotating which side goes first; the median round is reported. */
  rounds: number;
  /** Untimed mails per side before the first round (JIT, statement preparation). */
  warmup: number;
  recipients: number;
}

export interface MailResult {
  /** Median round, milliseconds for `mails` mails. */
  oursMs: number;
  nodemailerMs: number;
  /** nodemailer alone sending the mail our EmailSender renders (text + HTML): context. */
  nodemailerRenderedMs: number;
  roundsMs: { ours: number[]; nodemailer: number[]; nodemailerRendered: number[] };
  /**
   * CPU time of the whole process per mail, median round, microseconds: every thread (ours: this
   * one and the mail thread; the relay's thread for every side alike). Wall time is the goal's
   * measure; this shows what the ratio costs in CPU.
   */
  cpuUsPerMail: { ours: number; nodemailer: number; nodemailerRendered: number };
  checks: {
    mailSetupS: number;
    /** Outbox rows sent, per round (each must be `mails`). */
    mailOursSent: number[];
    mailOursNotSent: number;
    /** Mails the relay accepted per round, per side. */
    mailRelayOurs: number[];
    mailRelayNodemailer: number[];
    mailRelayNodemailerRendered: number[];
    mailBytesPerMailOurs: number;
    mailBytesPerMailNodemailer: number;
    mailBytesPerMailNodemailerRendered: number;
    mailPeakConnectionsOurs: number;
    mailPeakConnectionsNodemailer: number;
    mailPeakConnectionsNodemailerRendered: number;
    mailAuditRowsPerMail: number;
  };
}

/** The stored SMTP setting takes a bare address (smtpSettingsSchema); nodemailer gets the same. */
const FROM = 'owner@example.org';
const title = (i: number): string => `Benchmark message ${i}`;

interface OursFixture {
  services: VaultServices;
  vault: Vault;
  planId: string;
  /** [messageId, recipientId] of each message. */
  pairs: [string, string][];
}

async function createFixture(dir: string, sizes: MailSizes, port: number): Promise<OursFixture> {
  const { vault } = await Vault.create(dir, BENCH_PASSWORD, { clock: systemClock, scrypt: SETUP_SCRYPT });
  const services = createVaultServices(vault, systemClock);
  const pairs: [string, string][] = [];
  const body = makeBody(sizes.bodyBytes);
  vault.db.q.transaction(() => {
    initializeVaultContent(services);
    services.settings.set('smtp', { host: '127.0.0.1', port, tls: 'none', user: null, password: null, from: FROM });
    services.settings.set('owner', { email: 'owner@example.org', name: null });
    const recipientIds: string[] = [];
    for (let i = 0; i < sizes.recipients; i++) {
      recipientIds.push(
        services.recipients.add({ type: 'email', name: `Recipient ${i}`, contact: `recipient${i}@example.org` }).id,
      );
    }
    const messages = Math.max(sizes.mails, sizes.warmup);
    for (let i = 0; i < messages; i++) {
      const recipientId = recipientIds[i % recipientIds.length]!;
      pairs.push([services.messages.create({ title: title(i), body, recipientIds: [recipientId] }), recipientId]);
    }
  });
  return { services, vault, planId: services.plans.defaultPlanId()!, pairs };
}

/** The idempotency key the scheduler gives the delivery of message `i` in `cycle`. */
function deliveryKey({ planId, pairs }: OursFixture, cycle: number, i: number): string {
  const [messageId, recipientId] = pairs[i]!;
  return `delivery:${planId}:${cycle}:${messageId}:${recipientId}`;
}

/** Queues `count` deliveries as the scheduler would (one per message and recipient), in one transaction. */
async function enqueueDeliveries(fixture: OursFixture, count: number, cycle: number): Promise<void> {
  const { services, vault, planId, pairs } = fixture;
  const engine = createEngine(services, { clock: systemClock });
  try {
    vault.db.q.transaction(() => {
      for (let i = 0; i < count; i++) {
        const [messageId, recipientId] = pairs[i]!;
        engine.outbox.enqueue({
          kind: 'delivery',
          channel: 'email',
          planId,
          messageId,
          recipientId,
          cycle,
          level: 5,
          idempotencyKey: deliveryKey(fixture, cycle, i),
        });
      }
    });
  } finally {
    await engine.close();
  }
}

/** Drains the outbox with a fresh engine (so its pooled EmailSender connects afresh, like nodemailer's). */
async function drainOurs(
  fixture: OursFixture,
  connections: number,
  cycle: number,
): Promise<{ ms: number; sent: number }> {
  const engine = createEngine(fixture.services, { clock: systemClock, concurrency: connections });
  try {
    let report: DrainReport | undefined;
    const ms = await timeAsync(async () => {
      report = await engine.worker.drain();
    });
    // Delivery rows of this round that went out. Anything else (a failure, and the notices a
    // failure queues) means the round measured something other than sending: refuse it.
    const sent = fixture.vault.db.sqlite
      .prepare(`SELECT count(*) FROM outbox WHERE kind = 'delivery' AND cycle = ? AND status = 'sent'`)
      .pluck()
      .get(cycle) as number;
    if (report!.failed > 0 || report!.retrying > 0 || report!.attempted !== sent) {
      const error = fixture.vault.db.sqlite
        .prepare(`SELECT last_error FROM outbox WHERE status <> 'sent' AND last_error IS NOT NULL LIMIT 1`)
        .pluck()
        .get() as string | undefined;
      throw new Error(
        `the outbox did not send every delivery: ${JSON.stringify(report)}, ${sent} sent (${error ?? 'no error recorded'})`,
      );
    }
    return { ms, sent };
  } finally {
    await engine.close();
  }
}

/** What nodemailer alone sends: the plain 2 KiB text, or the very mail our EmailSender renders. */
export type BaselineMail = 'text' | 'rendered';

/**
 * The mail EmailSender builds for delivery `i` of `cycle`: text + HTML, the same Message-ID and
 * idempotency header (the outbox row's key, as long as ours, so headers fold the same way).
 */
function renderedMail(fixture: OursFixture, cycle: number, i: number, body: string): SendMailOptions {
  const key = deliveryKey(fixture, cycle, i);
  const mail = renderEmail({
    kind: 'delivery',
    messageId: fixture.pairs[i]![0],
    title: title(i),
    bodyText: body,
    bodyHtml: null,
    senderName: null,
    attachments: [],
  });
  return {
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: stableMessageId(key),
    headers: { 'X-Afterword-Idempotency-Key': key },
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * nodemailer alone: its pool, fed by as many lanes as it has connections, each handing over its
 * next mail when the last one is accepted, as the worker's lanes do. (Handing all the mails over
 * at once lets the pool queue them, and measured ~20 % slower: this is the stricter baseline.)
 */
async function sendNodemailer(
  port: number,
  sizes: MailSizes,
  count: number,
  kind: BaselineMail,
  fixture: OursFixture,
  cycle: number,
): Promise<number> {
  const body = makeBody(sizes.bodyBytes);
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: sizes.connections,
  });
  try {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        const recipient = i % sizes.recipients;
        await transport.sendMail({
          from: FROM,
          to: { name: `Recipient ${recipient}`, address: `recipient${recipient}@example.org` },
          ...(kind === 'text' ? { subject: title(i), text: body } : renderedMail(fixture, cycle, i, body)),
        });
      }
    };
    return await timeAsync(async () => {
      await Promise.all(Array.from({ length: Math.min(sizes.connections, count) }, lane));
    });
  } finally {
    transport.close();
  }
}

type Side = 'ours' | 'nodemailer' | 'nodemailerRendered';
const SIDES: readonly Side[] = ['nodemailer', 'ours', 'nodemailerRendered'];

export async function mailBench(tmp: string, sizes: MailSizes, progress: (line: string) => void): Promise<MailResult> {
  const server = await SmtpBenchServer.start();
  try {
    const setupStart = nowMs();
    const fixture = await createFixture(join(tmp, 'vault-mail'), sizes, server.port);
    const mailSetupS = (nowMs() - setupStart) / 1000;
    try {
      // Warm-up, untimed: JIT of nodemailer, smtp-server and our pipeline; statement preparation.
      let cycle = 1;
      await enqueueDeliveries(fixture, sizes.warmup, cycle);
      await drainOurs(fixture, sizes.connections, cycle++);
      await sendNodemailer(server.port, sizes, sizes.warmup, 'text', fixture, 0);
      await sendNodemailer(server.port, sizes, sizes.warmup, 'rendered', fixture, 0);

      const rounds: Record<Side, number[]> = { ours: [], nodemailer: [], nodemailerRendered: [] };
      const cpu: Record<Side, number[]> = { ours: [], nodemailer: [], nodemailerRendered: [] };
      const relay: Record<Side, SinkStats[]> = { ours: [], nodemailer: [], nodemailerRendered: [] };
      const sent: number[] = [];
      for (let round = 0; round < sizes.rounds; round++) {
        const roundCycle = cycle++;
        await enqueueDeliveries(fixture, sizes.mails, roundCycle);
        const run = async (side: Side): Promise<void> => {
          await server.reset();
          const cpuBefore = process.cpuUsage();
          if (side === 'ours') {
            const { ms, sent: count } = await drainOurs(fixture, sizes.connections, roundCycle);
            rounds.ours.push(ms);
            sent.push(count);
          } else {
            const kind = side === 'nodemailer' ? 'text' : 'rendered';
            rounds[side].push(await sendNodemailer(server.port, sizes, sizes.mails, kind, fixture, roundCycle));
          }
          const cpuUsed = process.cpuUsage(cpuBefore);
          cpu[side].push((cpuUsed.user + cpuUsed.system) / sizes.mails);
          relay[side].push(await server.stats());
        };
        // Each side goes first, second and third in turn.
        for (let k = 0; k < SIDES.length; k++) await run(SIDES[(round + k) % SIDES.length]!);
        progress(
          `  round ${round + 1}/${sizes.rounds}, ${sizes.mails} mails: ours ${Math.round(rounds.ours.at(-1)!)} ms, ` +
            `nodemailer ${Math.round(rounds.nodemailer.at(-1)!)} ms, ` +
            `nodemailer with our rendered mail ${Math.round(rounds.nodemailerRendered.at(-1)!)} ms`,
        );
      }

      const { sqlite } = fixture.vault.db;
      const notSent = sqlite.prepare(`SELECT count(*) FROM outbox WHERE status <> 'sent'`).pluck().get() as number;
      const auditSent = sqlite
        .prepare(`SELECT count(*) FROM audit_log WHERE action = 'outbox.sent'`)
        .pluck()
        .get() as number;
      const totalSent = sent.reduce((a, b) => a + b, 0) + sizes.warmup;
      const bytesPerMail = (stats: SinkStats[]): number =>
        Math.round(
          stats.reduce((a, s) => a + s.bytes, 0) /
            Math.max(
              1,
              stats.reduce((a, s) => a + s.mails, 0),
            ),
        );
      const peak = (stats: SinkStats[]): number => Math.max(...stats.map((s) => s.peakConnections));
      return {
        oursMs: median(rounds.ours),
        nodemailerMs: median(rounds.nodemailer),
        nodemailerRenderedMs: median(rounds.nodemailerRendered),
        roundsMs: rounds,
        cpuUsPerMail: {
          ours: median(cpu.ours),
          nodemailer: median(cpu.nodemailer),
          nodemailerRendered: median(cpu.nodemailerRendered),
        },
        checks: {
          mailSetupS,
          mailOursSent: sent,
          mailOursNotSent: notSent,
          mailRelayOurs: relay.ours.map((s) => s.mails),
          mailRelayNodemailer: relay.nodemailer.map((s) => s.mails),
          mailRelayNodemailerRendered: relay.nodemailerRendered.map((s) => s.mails),
          mailBytesPerMailOurs: bytesPerMail(relay.ours),
          mailBytesPerMailNodemailer: bytesPerMail(relay.nodemailer),
          mailBytesPerMailNodemailerRendered: bytesPerMail(relay.nodemailerRendered),
          mailPeakConnectionsOurs: peak(relay.ours),
          mailPeakConnectionsNodemailer: peak(relay.nodemailer),
          mailPeakConnectionsNodemailerRendered: peak(relay.nodemailerRendered),
          mailAuditRowsPerMail: auditSent / totalSent,
        },
      };
    } finally {
      await fixture.vault.close();
    }
  } finally {
    await server.close();
  }
}
