import { METHOD_NAMES } from '../../../shared/contract/methods.js';
import { EVENT_CHANNEL, RPC_CHANNEL } from './ipc-channels.js';

/**
 * The part of preload.cts that is generated from the contract: the two channel names and the
 * method names. A sandboxed preload can `require` only 'electron' and a few Node polyfills — not
 * another file of ours, not zod, not an ES module — so the list is written into the preload itself,
 * between these markers. preload.test.ts fails when it drifts; regenerate with
 * `npx tsx electron/apps/desktop/tooling/generate-preload-manifest.ts`.
 */
export const MANIFEST_BEGIN =
  '// <generated from shared/contract by electron/apps/desktop/tooling/generate-preload-manifest.ts: do not edit>';
export const MANIFEST_END = '// </generated>';

const SAFE = /^[A-Za-z0-9._:-]+$/;

function literal(value: string): string {
  if (!SAFE.test(value)) throw new Error(`not a plain channel or method name: ${JSON.stringify(value)}`);
  return `'${value}'`;
}

/** The generated block, markers included. */
export function renderPreloadManifest(methods: readonly string[] = METHOD_NAMES): string {
  return [
    MANIFEST_BEGIN,
    `const RPC_CHANNEL = ${literal(RPC_CHANNEL)};`,
    `const EVENT_CHANNEL = ${literal(EVENT_CHANNEL)};`,
    'const METHOD_NAMES: readonly string[] = [',
    ...methods.map((m) => `  ${literal(m)},`),
    '];',
    MANIFEST_END,
  ].join('\n');
}

function bounds(source: string): { start: number; end: number } {
  const start = source.indexOf(MANIFEST_BEGIN);
  const endMarker = source.indexOf(MANIFEST_END, start);
  if (start < 0 || endMarker < 0 || source.indexOf(MANIFEST_BEGIN, start + 1) >= 0) {
    throw new Error('preload.cts must contain exactly one generated block (its markers are missing or repeated)');
  }
  return { start, end: endMarker + MANIFEST_END.length };
}

/** The generated block as it stands in `source`. */
export function extractPreloadManifest(source: string): string {
  const { start, end } = bounds(source);
  return source.slice(start, end);
}

/** `source` with its generated block replaced by `block`. */
export function replacePreloadManifest(source: string, block: string): string {
  const { start, end } = bounds(source);
  return source.slice(0, start) + block + source.slice(end);
}
