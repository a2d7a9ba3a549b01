import type { Logger } from '../../core/ports/logger.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON line per entry on stderr (or any sink). Callers pass no content, keys or addresses;
 * only fields named here are written, never whole objects from the core.
 */
export function createStderrLogger(
  name: string,
  options: { minLevel?: Level; write?: (line: string) => void; now?: () => number } = {},
): Logger {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const min = ORDER[options.minLevel ?? 'info'];
  const now = options.now ?? Date.now;
  const at =
    (level: Level) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (ORDER[level] < min) return;
      write(`${JSON.stringify({ time: new Date(now()).toISOString(), level, logger: name, message, ...fields })}\n`);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (child) => createStderrLogger(`${name}.${child}`, options),
  };
}
