import type { Logger } from '../../core/ports/logger.js';

/**
 * One line per entry on stderr, for `afterword serve`. Callers pass ids, codes and counts only,
 * never content, keys or addresses (see the Logger port).
 */
export function stderrLogger(name: string, debug = false): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>): void => {
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    process.stderr.write(`${new Date().toISOString()} ${level} [${name}] ${message}${extra}\n`);
  };
  return {
    debug: (m, f) => {
      if (debug) write('debug', m, f);
    },
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (child) => stderrLogger(`${name}.${child}`, debug),
  };
}
