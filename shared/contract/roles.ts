/**
 * Who may call a method. `public`: anyone who reaches the transport (create, unlock, status of the
 * lock itself). `owner`: a session after unlocking with the password. `checkin`: a token that can
 * only say "I'm here". `monitor`: a token that can read status and metrics.
 */
export const ROLES = ['public', 'owner', 'checkin', 'monitor'] as const;
export type Role = (typeof ROLES)[number];
