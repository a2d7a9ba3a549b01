import { emailSchema, recipientNameSchema } from '../../../../shared/validation.js';
import { checkWebhookUrl, type WebhookUrlProblem } from '../../../../shared/webhook-url.js';

export type RecipientType = 'email' | 'webhook';

/** What is wrong with a field, as a problem the form turns into words (never the schema's English). */
export type ContactProblem = 'empty' | 'email' | 'url' | Exclude<WebhookUrlProblem, 'invalid' | 'scheme'>;

/**
 * The shared rules of shared/validation.ts and shared/webhook-url.ts, as the address book checks
 * them while you type. `allowPrivateNetwork`: the webhook is marked as on the owner's own network.
 */
export function contactProblem(
  type: RecipientType,
  contact: string,
  allowPrivateNetwork = false,
): ContactProblem | null {
  if (contact.trim() === '') return 'empty';
  if (type === 'email') return emailSchema().safeParse(contact).success ? null : 'email';
  const checked = checkWebhookUrl(contact, { allowPrivateNetwork });
  if (checked.ok) return null;
  return checked.problem === 'invalid' || checked.problem === 'scheme' ? 'url' : checked.problem;
}

export function nameProblem(name: string): 'empty' | 'long' | null {
  const result = recipientNameSchema().safeParse(name);
  if (result.success) return null;
  return name.trim() === '' ? 'empty' : 'long';
}
