/**
 * A value built on the first call, then the same one. Schemas are declared this way: building a
 * zod schema costs time at start-up, and a short command (a cron `tick`) uses only a few of them.
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
