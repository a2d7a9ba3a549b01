import { isIP } from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const WILDCARD = new Set(['0.0.0.0', '::']);

function hostPart(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * The runner's own origins: where it listens (on loopback both localhost and the loopback
 * addresses) and the public URL. Browsers send Origin with every POST and WebSocket handshake;
 * anything else is a cross-site request (or a DNS-rebinding page) and is refused. A runner bound
 * to all interfaces is reached under names it cannot know: give it --public-url.
 */
export class Origins {
  readonly url: string;
  private readonly allowed = new Set<string>();

  constructor(host: string, port: number, publicUrl?: string) {
    const shown = WILDCARD.has(host) ? '127.0.0.1' : host;
    this.url = `http://${hostPart(shown)}:${port}`;
    this.allowed.add(this.url);
    if (LOOPBACK.has(host) || WILDCARD.has(host)) {
      for (const name of LOOPBACK) this.allowed.add(`http://${hostPart(name)}:${port}`);
    }
    if (publicUrl) this.allowed.add(new URL(publicUrl).origin);
  }

  allows(origin: string): boolean {
    return this.allowed.has(origin);
  }

  /** For the CSP's connect-src: the WebSocket origins matching the allowed HTTP origins. */
  webSocketOrigins(): string[] {
    // CSP host-sources cannot express IPv6 literals (Chromium reports `ws://[::1]:…` as invalid);
    // a page loaded from [::1] still reaches its own socket through 'self'.
    return [...this.allowed].filter((o) => !o.includes('[')).map((o) => o.replace(/^http/, 'ws'));
  }
}
