import { describe, expect, it } from 'vitest';
import { createStderrLogger, type LogFormat } from './stderr-logger.js';

function capture(format: LogFormat, minLevel?: 'debug' | 'info') {
  const lines: string[] = [];
  const log = createStderrLogger('afterword', { format, minLevel, write: (l) => void lines.push(l), now: () => 0 });
  return { log, lines };
}

/** The fields of a text line: everything after the message, as JSON. */
const textFields = (line: string): unknown => JSON.parse(line.slice(line.indexOf(' {')));

describe('createStderrLogger', () => {
  it('json: one JSON line per entry at or above the level, with the logger name', () => {
    const { log, lines } = capture('json');
    log.debug('hidden');
    log.child('tray').warn('no tray', { reason: 'x' });
    expect(lines).toEqual([
      `${JSON.stringify({ time: '1970-01-01T00:00:00.000Z', level: 'warn', logger: 'afterword.tray', message: 'no tray', reason: 'x' })}\n`,
    ]);
  });

  it('text: time, level, [name], message and the fields as JSON; debug only when asked for', () => {
    const quiet = capture('text');
    quiet.log.debug('hidden');
    quiet.log.child('http').error('request failed', { path: '/api/rpc/x', status: 500 });
    quiet.log.info('started');
    expect(quiet.lines).toEqual([
      '1970-01-01T00:00:00.000Z error [afterword.http] request failed {"path":"/api/rpc/x","status":500}\n',
      '1970-01-01T00:00:00.000Z info [afterword] started\n',
    ]);
    const verbose = capture('text', 'debug');
    verbose.log.child('a').debug('shown');
    expect(verbose.lines).toEqual(['1970-01-01T00:00:00.000Z debug [afterword.a] shown\n']);
  });

  const risky = {
    error: '550 5.1.1 <kin@example.org> unknown user; see https://ntfy.example.org/family?auth=abc',
    plan: { name: 'For Kin', body: 'the letter' },
    ids: ['msg_1', 'msg_2'],
    cause: new Error('connect to smtp://owner:pw@mail.example.org failed'),
    count: 3,
    ok: false,
    gone: undefined,
    message: 'overwrites?',
    level: 'error',
  };
  const redacted = {
    error: '550 5.1.1 <[address]> unknown user; see https://ntfy.example.org/[path]',
    plan: '[object]',
    ids: '[array]',
    cause: 'connect to smtp://owner:[address] failed',
    count: 3,
    ok: false,
    'field.message': 'overwrites?',
    'field.level': 'error',
  };

  it.each(['json', 'text'] as const)(
    '%s: the same redaction — no addresses, URLs, whole objects or overwritten keys',
    (format) => {
      const { log, lines } = capture(format);
      log.warn('send to kin@example.org failed', risky);
      expect(lines).toHaveLength(1);
      const line = lines[0]!;
      for (const secret of ['kin@example.org', 'family', 'auth=abc', 'For Kin', 'the letter', 'owner:pw', 'msg_1'])
        expect(line).not.toContain(secret);
      if (format === 'json') {
        expect(JSON.parse(line)).toEqual({
          time: '1970-01-01T00:00:00.000Z',
          level: 'warn',
          logger: 'afterword',
          message: 'send to [address] failed',
          ...redacted,
        });
      } else {
        expect(line.startsWith('1970-01-01T00:00:00.000Z warn [afterword] send to [address] failed {')).toBe(true);
        expect(textFields(line)).toEqual(redacted);
      }
    },
  );

  it('keeps what operators need: origins, file paths with dots or scoped packages; a bare host with a path is cut', () => {
    const { log, lines } = capture('json');
    log.warn('refused an IPC call from an untrusted frame', { origin: 'https://evil.example.com' });
    log.error('Afterword could not start', {
      error: "Cannot find module '/opt/Afterword/resources/app.asar/dist/electron/apps/desktop/main.js'",
      cause: 'ENOENT: /srv/afterword.data/vault/blobs and /app/node_modules/@napi-rs/keyring/index.js',
      reply: 'see hooks.example.net/T000/B000/XXXX for details',
    });
    const [ipc, start] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(ipc?.origin).toBe('https://evil.example.com');
    expect(start?.error).toBe(
      "Cannot find module '/opt/Afterword/resources/app.asar/dist/electron/apps/desktop/main.js'",
    );
    expect(start?.cause).toBe(
      'ENOENT: /srv/afterword.data/vault/blobs and /app/node_modules/@napi-rs/keyring/index.js',
    );
    expect(start?.reply).toBe('see [url] for details');
  });

  it.each(['json', 'text'] as const)(
    '%s: a line break in a message or a field cannot forge a second entry',
    (format) => {
      const { log, lines } = capture(format);
      log.error('failed\n1970-01-01T00:00:00.000Z info [afterword] all well', { error: 'a\r\nb' });
      expect(lines).toHaveLength(1);
      expect(lines[0]!.split('\n')).toEqual([expect.any(String), '']);
      const message = format === 'json' ? (JSON.parse(lines[0]!) as { message: string }).message : lines[0]!;
      expect(message).toContain('failed\\u000a1970');
    },
  );
});
