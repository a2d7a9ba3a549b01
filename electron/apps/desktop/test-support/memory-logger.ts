// Test helper: a Logger that keeps its lines in memory. Only for *.test.ts files.
import type { Logger } from '../../../core/ports/logger.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  name: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function memoryLogger(lines: LogLine[] = [], name = 'test'): Logger & { lines: LogLine[] } {
  const at =
    (level: LogLine['level']) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, name, message, ...(fields ? { fields } : {}) });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (child) => memoryLogger(lines, `${name}.${child}`),
  };
}
