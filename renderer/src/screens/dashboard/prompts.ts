import type { EventPayload } from '../../../../shared/contract/events.js';

/** A desktop prompt (status.get → openPrompts, or a warning.awaiting event). */
export type Prompt = EventPayload<'warning.awaiting'>;

/**
 * A check-in answers every prompt issued before it. The core leaves a prompt without a plan (a
 * test warning) open after a check-in, so the status alone would keep that banner up for good.
 */
export function unanswered(prompts: Prompt[], lastCheckinAt: number | null): Prompt[] {
  return lastCheckinAt === null ? prompts : prompts.filter((p) => p.at > lastCheckinAt);
}

/**
 * What needs an answer: a warning (the highest level, then the latest), else a test through the
 * desktop channel. Notices (a delivery that failed for good, …) ask nothing: the outbox card
 * shows those, and "I'm here" does not answer them.
 */
export function awaitingAnswer(prompts: Prompt[]): { prompt: Prompt; isTest: boolean } | null {
  const warnings = prompts.filter((p) => p.kind === 'warning').sort((a, b) => b.level - a.level || b.at - a.at);
  if (warnings[0]) return { prompt: warnings[0], isTest: false };
  const test = prompts.filter((p) => p.kind === 'test').sort((a, b) => b.at - a.at)[0];
  return test ? { prompt: test, isTest: true } : null;
}
