/** Monospace for the typed value only (label, description and error keep the normal font). */
export const MONO_INPUT = {
  input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: '0.05em' },
} as const;
