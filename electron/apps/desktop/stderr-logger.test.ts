import { describe, expect, it } from 'vitest';
import { createStderrLogger } from './stderr-logger.js';

describe('createStderrLogger', () => {
  it('writes one JSON line per entry at or above the level, with the logger name', () => {
    const lines: string[] = [];
    const log = createStderrLogger('afterword', { write: (l) => void lines.push(l), now: () => 0 });
    log.debug('hidden');
    log.child('tray').warn('no tray', { reason: 'x' });
    expect(lines).toEqual([`${JSON.stringify({ time: '1970-01-01T00:00:00.000Z', level: 'warn', logger: 'afterword.tray', message: 'no tray', reason: 'x' })}\n`]);
  });
});
