/**
 * What a desktop prompt is: `warning` asks "are you there?" for a plan's warning level; `test` is a
 * test through the desktop channel (answered like a warning, shown as a test); `notice` reports
 * something (a delivery that failed for good, …) and asks nothing.
 */
export const PROMPT_KINDS = ['warning', 'test', 'notice'] as const;

export type PromptKind = (typeof PROMPT_KINDS)[number];
