// Test helper: which files a real `afterword` process loads. Runs the built CLI with
// record-modules.mjs and, where it ran the bundle (dist/cli/), names the compiled files and
// packages inside each chunk it loaded (from the bundle's metafile).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertCliBuilt, CLI_BIN, cleanEnv, REPO_ROOT, type CliResult, type EnvOverrides } from './run-cli.js';

const RECORDER = fileURLToPath(new URL('./record-modules.mjs', import.meta.url));
const BUNDLE_META = join(REPO_ROOT, 'dist', 'cli', 'meta.json');

export interface LoadedModules {
  result: CliResult;
  /** Every file the process read as a module, and every source file inside a bundle chunk it read. */
  files: string[];
  /** Whether it ran the bundle. */
  bundled: boolean;
  /** Node's own modules it loaded (`http`, `tls`, `internal/…`). */
  builtins: Set<string>;
}

function chunkInputs(): Map<string, string[]> {
  const inputs = new Map<string, string[]>();
  if (!existsSync(BUNDLE_META)) return inputs;
  const meta = JSON.parse(readFileSync(BUNDLE_META, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  for (const [output, { inputs: from }] of Object.entries(meta.outputs))
    inputs.set(
      join(REPO_ROOT, output),
      Object.keys(from).map((input) => join(REPO_ROOT, input)),
    );
  return inputs;
}

interface BundleMeta {
  outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string }[] }>;
}

/**
 * The source files inside a bundle entry (`dist/cli/…`, as the metafile names it) and every chunk
 * it imports statically, which a CommonJS chunk requires as it loads: what loading it reads.
 */
export function staticClosureInputs(entry: string): string[] {
  assertCliBuilt();
  const meta = JSON.parse(readFileSync(BUNDLE_META, 'utf8')) as BundleMeta;
  const seen = new Set<string>();
  const visit = (output: string): void => {
    const chunk = meta.outputs[output];
    if (seen.has(output) || !chunk) return;
    seen.add(output);
    for (const i of chunk.imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  if (seen.size === 0) throw new Error(`${entry} is not in the bundle's metafile`);
  return [...seen].flatMap((output) => Object.keys(meta.outputs[output]!.inputs));
}

export async function loadedModules(args: readonly string[], env: EnvOverrides): Promise<LoadedModules> {
  assertCliBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'afterword-modules-'));
  const log = join(dir, 'modules.log');
  try {
    const result = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', RECORDER, CLI_BIN, ...args], {
        env: cleanEnv({ ...env, AFTERWORD_TEST_MODULE_LOG: log }),
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
    });
    const lines = (await readFile(log, 'utf8')).split('\n');
    const urls = lines.filter((line) => line.startsWith('file:'));
    const builtins = new Set(
      lines.flatMap((line) => (line.startsWith('builtin:') ? [line.slice('builtin:'.length)] : [])),
    );
    const chunks = chunkInputs();
    const files = new Set<string>();
    let bundled = false;
    for (const url of urls) {
      const file = fileURLToPath(url);
      files.add(file);
      const inside = chunks.get(file);
      if (inside) bundled = true;
      for (const input of inside ?? []) files.add(input);
    }
    return { result, files: [...files].map((file) => relative(REPO_ROOT, file)), bundled, builtins };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The packages among `files` (node_modules/<name> or node_modules/@scope/<name>). */
export function packagesIn(files: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (match) names.add(match[1]!);
  }
  return names;
}
