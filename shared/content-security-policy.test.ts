import { describe, expect, it } from 'vitest';
import {
  APP_WINDOW_CSP,
  RENDERER_META_CSP,
  RENDERER_POLICY,
  SERVER_PAGE_CSP,
  cspString,
  runnerUiCsp,
} from './content-security-policy.js';

/** A policy string back to directive → sources, refusing a directive given twice. */
function parse(policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of policy.split('; ')) {
    const [directive, ...sources] = part.split(' ');
    expect(out[directive!], `${directive} twice in ${policy}`).toBeUndefined();
    out[directive!] = sources;
  }
  return out;
}

const RUNNER_SOCKETS = ['ws://127.0.0.1:7420', 'ws://localhost:7420'];

describe('the surfaces', () => {
  it('the desktop window (app://) gets the renderer policy exactly', () => {
    expect(APP_WINDOW_CSP).toBe(
      "default-src 'none'; object-src 'none'; frame-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; " +
        "script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; media-src 'self' blob:; " +
        "connect-src 'self'; worker-src 'self'",
    );
  });

  it('the <meta> in the build differs from it only by frame-ancestors, which a <meta> cannot carry', () => {
    const { 'frame-ancestors': frameAncestors, ...rest } = parse(APP_WINDOW_CSP);
    expect(frameAncestors).toEqual(["'none'"]);
    expect(parse(RENDERER_META_CSP)).toEqual(rest);
  });

  it("the runner's web UI differs from it only by naming the runner's WebSocket origins in connect-src", () => {
    const ui = parse(runnerUiCsp(RUNNER_SOCKETS));
    expect(ui['connect-src']).toEqual(["'self'", ...RUNNER_SOCKETS]);
    expect({ ...ui, 'connect-src': ["'self'"] }).toEqual(parse(APP_WINDOW_CSP));
    expect(runnerUiCsp([])).toBe(APP_WINDOW_CSP);
  });

  it("the runner's server pages allow one inline style and a form posting back, and nothing else", () => {
    expect(SERVER_PAGE_CSP).toBe(
      "default-src 'none'; object-src 'none'; frame-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; style-src 'unsafe-inline'",
    );
  });

  it.each([
    ['app window', APP_WINDOW_CSP],
    ['meta', RENDERER_META_CSP],
    ['runner UI', runnerUiCsp(RUNNER_SOCKETS)],
    ['server pages', SERVER_PAGE_CSP],
  ])('%s: no eval, no wildcard, no remote scheme, no inline script, no plugins', (_surface, policy) => {
    const directives = parse(policy);
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['script-src'] ?? ["'self'"]).toEqual(["'self'"]);
    expect(policy).not.toMatch(/unsafe-eval|unsafe-hashes|\*|https?:|'strict-dynamic'/);
  });
});

describe('cspString', () => {
  it('writes directives in the order given, sources after their directive', () => {
    expect(cspString({ 'default-src': ["'none'"], 'img-src': ["'self'", 'data:'] })).toBe(
      "default-src 'none'; img-src 'self' data:",
    );
    expect(parse(cspString(RENDERER_POLICY))).toEqual(RENDERER_POLICY);
  });
});
