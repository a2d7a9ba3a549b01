// Test helper: a Node module-resolution hook (module.register) that maps the bare specifier
// `electron` to fake-electron.js, so the compiled shell runs unchanged in plain Node.
const FAKE_ELECTRON = new URL('./fake-electron.js', import.meta.url).href;

type NextResolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'electron') return { url: FAKE_ELECTRON, shortCircuit: true };
  return next(specifier, context);
}
