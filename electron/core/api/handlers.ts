import type { MethodName, MethodOutput, ParsedInput } from '../../../shared/contract/methods.js';
import type { Caller } from './router-types.js';
import type { AppCore } from './app-core.js';
import { vaultHandlers } from './handlers-vault.js';
import { contentHandlers } from './handlers-content.js';
import { engineHandlers } from './handlers-engine.js';
import { setupHandlers } from './handlers-setup.js';
import { mfaHandlers } from './handlers-mfa.js';
import { backupHandlers } from './handlers-backup.js';
import { exportHandlers } from './handlers-export.js';
import { standbyHandlers } from './handlers-standby.js';

export interface HandlerContext {
  app: AppCore;
  caller: Caller;
}

export type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  ctx: HandlerContext,
) => Promise<MethodOutput<M>> | MethodOutput<M>;

/** Every method of the contract has exactly one handler: a missing one is a compile error. */
export type Handlers = { [M in MethodName]: Handler<M> };

export type HandlerGroup<K extends MethodName> = { [M in K]: Handler<M> };

export const HANDLERS: Handlers = {
  ...vaultHandlers,
  ...contentHandlers,
  ...engineHandlers,
  ...setupHandlers,
  ...mfaHandlers,
  ...backupHandlers,
  ...exportHandlers,
  ...standbyHandlers,
};
