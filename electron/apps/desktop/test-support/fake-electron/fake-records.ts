// Test helper (see fake-electron.ts): what the fake records, and the state every part shares.
import { appendFileSync } from 'node:fs';

export type FakeRecord = { what: string } & Record<string, unknown>;

const LOG = process.env.FAKE_ELECTRON_LOG;
export const PLATFORM = (process.env.FAKE_ELECTRON_PLATFORM ?? process.platform) as NodeJS.Platform;

let ready = false;

/** Whether `ready` has been emitted. */
export const isReady = (): boolean => ready;
export function markReady(): void {
  ready = true;
}
export const records: FakeRecord[] = [];

export function record(what: string, fields: Record<string, unknown> = {}): void {
  const entry = { what, ready, ...fields };
  records.push(entry);
  if (LOG) appendFileSync(LOG, `${JSON.stringify(entry)}\n`);
}

/** How the fake ends the process once the app has quit; the runner replaces it to flush its replies first. */
export const processEnd = {
  exit: (code: number): void => void setImmediate(() => process.exit(code)),
};

export function requireReady(what: string): void {
  if (!ready) {
    record('error', { message: `${what} called before the app is ready` });
    throw new Error(`${what} cannot be called before the app is ready`);
  }
}

export class PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}
