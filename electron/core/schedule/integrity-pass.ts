import { DAY_MS } from '../../../shared/durations.js';
import type { Clock } from '../ports/clock.js';
import { detailObject } from '../audit/audit-log.js';
import { enqueueOwnerNotice, type OwnerNoticeDeps } from '../delivery/owner-notices.js';
import { IntegrityError } from '../errors.js';
import type { VaultServices } from '../services.js';

export const INTEGRITY_CHECKED_ACTION = 'integrity.checked';
export const INTEGRITY_PASS_EVERY_MS = DAY_MS;
/** Attachments read in full (every chunk's tag checked) on each pass, picked at random. */
export const SAMPLE_SIZE = 3;
/** How a problem found by reading a file in full begins (its content fails authentication). */
export const DAMAGED_PREFIX = 'its content is damaged: ';

export interface AttachmentProblem {
  attachmentId: string;
  messageId: string;
  /** What is wrong, in English, without names (it is stored in the audit row). */
  problem: string;
}

interface CheckedDetail {
  checked: number;
  sampled: number;
  problems: AttachmentProblem[];
}

export interface IntegrityPassDeps {
  services: VaultServices;
  notices: OwnerNoticeDeps;
  clock: Clock;
  random?: () => number;
}

/** A pass row's detail, or null when it is not what a pass writes. */
function parseChecked(detail: string): CheckedDetail | null {
  const value = detailObject(detail);
  if (!value) return null;
  const { checked, sampled, problems } = value;
  if (typeof checked !== 'number' || typeof sampled !== 'number' || !Array.isArray(problems)) return null;
  if (!problems.every(isAttachmentProblem)) return null;
  return { checked, sampled, problems };
}

function isAttachmentProblem(value: unknown): value is AttachmentProblem {
  if (typeof value !== 'object' || value === null) return false;
  const { attachmentId, messageId, problem } = value as Record<string, unknown>;
  return typeof attachmentId === 'string' && typeof messageId === 'string' && typeof problem === 'string';
}

/**
 * The newest pass's findings, read backwards from the end of the log (one pass a day). Only rows
 * the seal covers count: a row after it was not appended with the vault key, and anyone who can
 * write the vault file could have put it there. A row that does not parse is ignored.
 */
export function lastIntegrityPass(
  services: Pick<VaultServices, 'vault'>,
): { at: number; detail: CheckedDetail } | null {
  const { db } = services.vault;
  const seal = db.q.get(db.kysely.selectFrom('audit_seal').select('seq').where('id', '=', 1));
  if (!seal) return null;
  const row = db.q.get(
    db.kysely
      .selectFrom('audit_log')
      .select(['at', 'detail'])
      .where('action', '=', INTEGRITY_CHECKED_ACTION)
      .where('seq', '<=', seal.seq)
      .orderBy('seq', 'desc')
      .limit(1),
  );
  if (!row || typeof row.at !== 'number') return null;
  const detail = parseChecked(row.detail);
  return detail ? { at: row.at, detail } : null;
}

/** Problems of the last pass whose attachment still exists (removing it, or its message, settles it). */
export function openAttachmentProblems(services: Pick<VaultServices, 'vault'>): AttachmentProblem[] {
  const last = lastIntegrityPass(services);
  if (!last || last.detail.problems.length === 0) return [];
  const { db } = services.vault;
  const ids = last.detail.problems.map((p) => p.attachmentId);
  const present = new Set(
    db.q.all(db.kysely.selectFrom('attachments').select('id').where('id', 'in', ids)).map((r) => r.id),
  );
  return last.detail.problems.filter((p) => present.has(p.attachmentId));
}

/**
 * Once a day, before anyone needs them: every attachment of a message not yet sent has its file,
 * at the size written, and a few picked at random are read in full (every chunk authenticated).
 * Without it, a lost file shows only when the plan fires. Findings go into the audit log (ids
 * only), into `status`, and to the owner on every channel, once per attachment and problem.
 */
export class IntegrityPass {
  constructor(private readonly deps: IntegrityPassDeps) {}

  async runIfDue(): Promise<AttachmentProblem[] | null> {
    const { services, clock } = this.deps;
    const last = lastIntegrityPass(services);
    if (last && clock.now() - last.at < INTEGRITY_PASS_EVERY_MS && clock.now() >= last.at) return null;
    return this.run();
  }

  async run(): Promise<AttachmentProblem[]> {
    const { services } = this.deps;
    const { db } = services.vault;
    const attachments = db.q.all(
      db.kysely
        .selectFrom('attachments as a')
        .innerJoin('messages as m', 'm.id', 'a.message_id')
        .select(['a.id', 'a.message_id'])
        .where('m.status', '!=', 'sent')
        .orderBy('a.id'),
    );
    // Nothing to check is not worth a row in the log (the pass then runs again next time, at the
    // cost of this one query).
    if (attachments.length === 0) return [];
    const problems: AttachmentProblem[] = [];
    const whole: typeof attachments = [];
    for (const a of attachments) {
      const problem = services.messages.attachments.fileProblem(a.id);
      if (problem) problems.push({ attachmentId: a.id, messageId: a.message_id, problem });
      else whole.push(a);
    }
    const sample = this.pick(whole, SAMPLE_SIZE);
    const readWhole = new Set<string>();
    for (const a of sample) {
      const problem = await this.readThrough(a.id);
      if (problem) problems.push({ attachmentId: a.id, messageId: a.message_id, problem });
      else readWhole.add(a.id);
    }
    // Damage found earlier by reading (a sample, or a send) stays found: this pass reads only a few
    // files in full. It is settled when the attachment goes, or reads whole again. (A missing or
    // cut file is judged afresh above, by its presence and size.)
    const found = new Set(problems.map((p) => p.attachmentId));
    const present = new Set(whole.map((a) => a.id));
    for (const earlier of openAttachmentProblems(services)) {
      const id = earlier.attachmentId;
      if (present.has(id) && !found.has(id) && !readWhole.has(id) && earlier.problem.startsWith(DAMAGED_PREFIX))
        problems.push(earlier);
    }
    db.q.transaction(() => {
      const detail: CheckedDetail = { checked: attachments.length, sampled: sample.length, problems };
      services.vault.audit.append({ action: INTEGRITY_CHECKED_ACTION, detail: { ...detail } });
      for (const p of problems) this.tellOwner(p);
    });
    return problems;
  }

  /**
   * A damaged attachment found outside the pass (a send that read it): added to the open findings
   * in a row of its own, so status shows it and the next delivery goes without it; the owner is told.
   * The row also counts as the day's pass: the next full one comes a day later.
   */
  recordFound(found: AttachmentProblem): void {
    const { services } = this.deps;
    const open = openAttachmentProblems(services).filter((p) => p.attachmentId !== found.attachmentId);
    const problems = [...open, found];
    services.vault.db.q.transaction(() => {
      const detail: CheckedDetail = { checked: 1, sampled: 1, problems };
      services.vault.audit.append({ action: INTEGRITY_CHECKED_ACTION, detail: { ...detail } });
      this.tellOwner(found);
    });
  }

  private async readThrough(id: string): Promise<string | null> {
    try {
      for await (const chunk of this.deps.services.messages.attachments.read(id)) void chunk;
      return null;
    } catch (error) {
      if (error instanceof IntegrityError) return `${DAMAGED_PREFIX}${error.message}`;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return 'its file is missing';
      throw error;
    }
  }

  private pick<T>(items: readonly T[], count: number): T[] {
    const random = this.deps.random ?? Math.random;
    const pool = [...items];
    const picked: T[] = [];
    while (picked.length < count && pool.length > 0)
      picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
    return picked;
  }

  private tellOwner(p: AttachmentProblem): void {
    enqueueOwnerNotice(this.deps.notices, {
      id: `integrity:${p.attachmentId}:${p.problem.slice(0, 40)}`,
      subject: 'An attachment of a message is damaged or missing',
      text:
        `Attachment ${p.attachmentId} of message ${p.messageId}: ${p.problem}. ` +
        'Attach the file again, or restore the vault from a backup, before the message is due: a missing file is left out of the delivery, but a damaged one would hold it back. `afterword doctor` checks every file.',
    });
  }
}
