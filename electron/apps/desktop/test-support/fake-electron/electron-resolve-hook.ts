// Test helper: a Node module-resolution hook (module.register) that maps the bare specifier
// `electron` to fake-electron.ts (run through tsx, as the runner's own import of it is: one module,
// one fake), so the compiled shell runs unchanged in plain Node. Bundled (.mjs, see
// lifecycle-harness), it maps it to the bundled fake beside it instead.
const FAKE_ELECTRON = new URL(
  import.meta.url.endsWith('.mjs') ? './fake-electron.mjs' : './fake-electron.ts',
  import.meta.url,
).href;

type NextResolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(
  specifier: string,
  context: unknown,
  next: NextResolve,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'electron') return { url: FAKE_ELECTRON, shortCircuit: true };
  return next(specifier, context);
}
