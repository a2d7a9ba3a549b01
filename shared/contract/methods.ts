import type * as z from 'zod';
import { BACKUP_METHODS } from './backup-methods.js';
import { CONTENT_METHODS } from './content-methods.js';
import { ENGINE_METHODS } from './engine-methods.js';
import type { MethodSpec } from './method-spec.js';
import { STANDBY_METHODS } from './standby-methods.js';
import { VAULT_METHODS } from './vault-methods.js';

export type { MethodSpec } from './method-spec.js';
export { ATTACHMENT_CHUNK_BYTES } from './attachment-chunks.js';
export { channelSchema } from './dto.js';

/**
 * The whole RPC surface, one entry per method: who may call it, what it takes, what it returns.
 * The preload, the Electron router, the runner's HTTP/WebSocket router and the renderer client
 * are all derived from this object; nothing else names a channel.
 */
export const CONTRACT = {
  ...VAULT_METHODS,
  ...CONTENT_METHODS,
  ...ENGINE_METHODS,
  ...BACKUP_METHODS,
  ...STANDBY_METHODS,
} as const satisfies Record<string, MethodSpec>;

export type Contract = typeof CONTRACT;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export const METHOD_NAMES = Object.keys(CONTRACT) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(CONTRACT, name);
}
