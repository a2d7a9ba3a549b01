import { emailSchema, recipientNameSchema, webhookUrlSchema } from '../../../../shared/validation.js';

export type RecipientType = 'email' | 'webhook';

/** What is wrong with a field, as a problem the form turns into words (never the schema's English). */
export type ContactProblem = 'empty' | 'email' | 'url';

/** The shared rules of shared/validation.ts, as the address book checks them while you type. */
export function contactProblem(type: RecipientType, contact: string): ContactProblem | null {
  if (contact.trim() === '') return 'empty';
  const ok = type === 'email' ? emailSchema.safeParse(contact).success : webhookUrlSchema.safeParse(contact).success;
  if (ok) return null;
  return type === 'email' ? 'email' : 'url';
}

export function nameProblem(name: string): 'empty' | 'long' | null {
  const result = recipientNameSchema.safeParse(name);
  if (result.success) return null;
  return name.trim() === '' ? 'empty' : 'long';
}
