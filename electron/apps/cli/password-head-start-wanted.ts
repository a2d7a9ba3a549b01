// Decided in the CLI's entry before anything else loads, so it imports nothing.
type Env = Readonly<Record<string, string | undefined>>;

/**
 * Commands that open the vault with AFTERWORD_PASSWORD when it is set (and no session is). For
 * them the password's scrypt (the default cost: ~0.6 s) is started from the salt on disk before
 * the command's code loads, and runs on the thread pool meanwhile (password-head-start.ts).
 */
const SIGNS_IN_WITH_THE_PASSWORD = new Set([
  'status',
  'message',
  'attachment',
  'recipient',
  'plan',
  'owner',
  'channel',
  'checkin',
  'pause',
  'resume',
  'audit',
  'doctor',
  'test-send',
  'tick',
  'unattended',
  'token',
  'mfa',
  'unlock',
  'passwd',
  'export',
  'backup',
]);

/** Whether `afterword <argv>` is worth a head start (cheap: decided before anything loads). */
export function wantsPasswordHeadStart(word: string | undefined, argv: readonly string[], env: Env): boolean {
  if (!env.AFTERWORD_PASSWORD || env.AFTERWORD_SESSION) return false;
  if (argv.some((arg) => ['--help', '-h', '--version', '-V'].includes(arg))) return false;
  return word !== undefined && SIGNS_IN_WITH_THE_PASSWORD.has(word);
}
