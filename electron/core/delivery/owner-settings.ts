import * as z from 'zod';
import { once } from '../../../shared/once.js';
import { emailSchema, smtpHostSchema } from '../../../shared/validation.js';
import type { SettingsRepo } from '../repo/settings.js';

/** Settings the delivery side reads. Stored encrypted in the settings table. */
export const SETTINGS = {
  owner: 'owner',
  smtp: 'smtp',
  publicUrl: 'publicUrl',
} as const;

export const ownerSchema = once(() =>
  z.object({ email: emailSchema(), name: z.string().max(200).nullable().default(null) }),
);
export type OwnerSettings = z.infer<ReturnType<typeof ownerSchema>>;

export const smtpSettingsSchema = once(() =>
  z.object({
    host: z.string().trim().min(1, 'the SMTP host is empty'),
    port: z.number().int().min(1).max(65535),
    tls: z.enum(['implicit', 'starttls', 'none']),
    user: z.string().nullable(),
    password: z.string().nullable(),
    from: emailSchema(),
    ca: z.array(z.string()).optional(),
  }),
);

/**
 * The same, as entered (CLI): the host must be a host name or an IP address. Reading what is stored
 * keeps the looser rule above, so a host saved before this check still sends.
 */
export const smtpSettingsInputSchema = once(() => smtpSettingsSchema().extend({ host: smtpHostSchema() }));

export function readOwner(settings: SettingsRepo): OwnerSettings | null {
  const raw = settings.get<unknown>(SETTINGS.owner);
  const parsed = ownerSchema().safeParse(raw);
  return parsed.success ? parsed.data : null;
}
