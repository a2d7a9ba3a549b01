// Owner warnings as the mailbox received them, read from their idempotency key
// (`warning:<plan>:<cycle>:<level>:<channel>`, electron/core/schedule/scheduler.ts).
import type { Mail } from './mailbox.js';

export interface WarningMail {
  planId: string;
  /** Bumped by every check-in: which round of warnings this one belongs to. */
  cycle: number;
  level: number;
}

export function warningOf(mail: Mail): WarningMail | null {
  const match = /^warning:([^:]+):(\d+):(\d):email$/.exec(mail.idempotencyKey);
  return match ? { planId: match[1]!, cycle: Number(match[2]), level: Number(match[3]) } : null;
}
