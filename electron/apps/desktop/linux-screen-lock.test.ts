import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  isScreenLockSignal,
  logindSessionPath,
  watchLinuxScreenLock,
  type MonitorProcess,
} from './linux-screen-lock.js';
import { memoryLogger } from './test-support/memory-logger.js';

// Lines as `gdbus monitor` prints them ("PATH: INTERFACE.MEMBER (ARGS)", checked against GLib's
// gdbus on a private bus with the bus daemon's own NameOwnerChanged signal).
const FDO_LOCK = '/org/freedesktop/ScreenSaver: org.freedesktop.ScreenSaver.ActiveChanged (true,)';
const FDO_UNLOCK = '/org/freedesktop/ScreenSaver: org.freedesktop.ScreenSaver.ActiveChanged (false,)';
const GNOME_LOCK = '/org/gnome/ScreenSaver: org.gnome.ScreenSaver.ActiveChanged (true,)';
const LOGIND_LOCK_2 = '/org/freedesktop/login1/session/_32: org.freedesktop.login1.Session.Lock ()';
const LOGIND_LOCK_7 = '/org/freedesktop/login1/session/_37: org.freedesktop.login1.Session.Lock ()';

describe('isScreenLockSignal', () => {
  it('hears ActiveChanged(true) from the freedesktop and GNOME screen savers, not (false)', () => {
    expect(isScreenLockSignal(FDO_LOCK, null)).toBe(true);
    expect(isScreenLockSignal(GNOME_LOCK, null)).toBe(true);
    expect(isScreenLockSignal(FDO_UNLOCK, null)).toBe(false);
    expect(isScreenLockSignal('Monitoring signals from all objects owned by org.freedesktop.ScreenSaver', null)).toBe(
      false,
    );
    expect(isScreenLockSignal('The name org.freedesktop.ScreenSaver does not have an owner', null)).toBe(false);
  });

  it("hears logind's Lock for this session only", () => {
    const mine = logindSessionPath('2');
    expect(mine).toBe('/org/freedesktop/login1/session/_32');
    expect(isScreenLockSignal(LOGIND_LOCK_2, mine)).toBe(true);
    expect(isScreenLockSignal(LOGIND_LOCK_7, mine)).toBe(false);
    expect(isScreenLockSignal(LOGIND_LOCK_7, null)).toBe(true);
    expect(
      isScreenLockSignal('/org/freedesktop/login1/session/_32: org.freedesktop.login1.Session.Unlock ()', mine),
    ).toBe(false);
  });

  it('escapes session ids as systemd does', () => {
    expect(logindSessionPath('c2')).toBe('/org/freedesktop/login1/session/c2');
    expect(logindSessionPath('12')).toBe('/org/freedesktop/login1/session/_312');
    expect(logindSessionPath('a-b')).toBe('/org/freedesktop/login1/session/a_2db');
  });
});

class FakeMonitor extends EventEmitter implements MonitorProcess {
  readonly stdout = new PassThrough();
  killed = false;
  constructor(readonly args: string[]) {
    super();
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

const settle = () => new Promise((r) => setImmediate(r));

describe('watchLinuxScreenLock', () => {
  it('runs gdbus monitor on both buses and locks on a screen-lock signal', async () => {
    const monitors: FakeMonitor[] = [];
    let locks = 0;
    const stop = watchLinuxScreenLock({
      spawn: (args) => {
        const m = new FakeMonitor(args);
        monitors.push(m);
        return m;
      },
      sessionId: '2',
      onLock: () => void locks++,
      log: memoryLogger(),
    });
    expect(monitors.map((m) => m.args.join(' '))).toEqual([
      'monitor --session --dest org.freedesktop.ScreenSaver',
      'monitor --session --dest org.gnome.ScreenSaver',
      'monitor --system --dest org.freedesktop.login1',
    ]);
    monitors[0]!.stdout.write(`${FDO_UNLOCK}\n${FDO_LOCK}\n`);
    monitors[2]!.stdout.write(`${LOGIND_LOCK_7}\n${LOGIND_LOCK_2}\n`);
    await settle();
    expect(locks).toBe(2);
    stop();
    expect(monitors.every((m) => m.killed)).toBe(true);
  });

  it('without gdbus (or a bus), logs and goes on: nothing throws', async () => {
    const log = memoryLogger();
    const stop = watchLinuxScreenLock({
      spawn: (args) => {
        const m = new FakeMonitor(args);
        setImmediate(() => m.emit('error', new Error('spawn gdbus ENOENT')));
        return m;
      },
      onLock: () => undefined,
      log,
    });
    await settle();
    expect(log.lines.filter((l) => l.fields?.error === 'spawn gdbus ENOENT')).toHaveLength(3);
    stop();
  });
});
