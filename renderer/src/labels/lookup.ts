/**
 * The words a table gives `value`, or `fallback` when it has none (a value added to the core later
 * is shown as it is, say). Entries are functions so that only the one asked for is translated, and
 * each key stays a literal in a t() call, where the bundle check finds it.
 */
export function lookup<F>(value: string | undefined, labels: Record<string, () => string>, fallback: F): string | F {
  return value !== undefined && Object.hasOwn(labels, value) ? labels[value]!() : fallback;
}
