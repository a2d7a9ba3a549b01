/**
 * What the outbox worker asks right before a send when more than one machine may send for the
 * vault (a standby runner is paired): see core/standby/runner-coordination.ts.
 *
 * - `send`: go ahead;
 * - `hold`: not now: the row stays pending, no attempt is counted, and it is asked again on a
 *   later pass;
 * - `sentElsewhere`: another runner sent it (its claim carries a receipt): the row is recorded as
 *   sent, naming that runner, and never sent from here. `at` is that runner's clock, for people.
 */
export type GateDecision =
  { send: true } | { send: false; hold: true } | { send: false; sentElsewhere: { runner: string; at: number } };

export interface SendGate {
  /**
   * False while no other machine can send for the vault (no standby paired): the worker then
   * drains as if there were no gate. Absent: always engaged.
   */
  engaged?(): boolean;
  beforeSend(idempotencyKey: string): Promise<GateDecision>;
  /** The receipt, once the send was accepted; never throws. */
  afterSend(idempotencyKey: string): Promise<void>;
}
