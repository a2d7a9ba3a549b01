/** A webhook's name as plans use it (`webhook:NAME`): lower-case letters, digits, '-' and '_', up to 40. */
export const WEBHOOK_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export function isWebhookName(name: string): boolean {
  return WEBHOOK_NAME.test(name);
}
