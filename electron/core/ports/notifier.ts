import type { PromptKind } from '../../../shared/prompt-kinds.js';

export type { PromptKind };

/**
 * Something shown on the desktop. A `warning` asks "Are you there?" with an "I'm here" action
 * where the platform allows; a `test` is a test of this channel (answered the same way); a
 * `notice` only reports (a delivery that failed for good, …).
 */
export interface DesktopPrompt {
  kind: PromptKind;
  planId: string | null;
  level: number;
  title: string;
  body: string;
}

export interface Notifier {
  /** Shows (or records) the prompt. Resolves once it is shown or durably recorded. */
  notify(prompt: DesktopPrompt): Promise<void>;
}
