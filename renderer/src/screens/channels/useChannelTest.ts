import { useState } from 'react';
import type { MethodInput, MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { useErrorToasts } from '../../hooks/useErrorToasts';

export type TestReply = MethodOutput<'channels.test'>;
type SmtpOnScreen = NonNullable<MethodInput<'channels.test'>['smtp']>;

/** Sends a test through one channel (for e-mail, optionally with unsaved settings) and keeps the server's answer to show. */
export function useChannelTest(channel: string) {
  const client = useClient();
  const toasts = useErrorToasts();
  const [result, setResult] = useState<TestReply | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (smtp?: SmtpOnScreen) => {
    setBusy(true);
    setResult(null);
    try {
      setResult(await client.call('channels.test', { channel, ...(smtp ? { smtp } : {}) }));
      toasts.clear();
    } catch (error) {
      toasts.notify(error);
    } finally {
      setBusy(false);
    }
  };
  return { result, busy, run: () => void run(), runWith: (smtp: SmtpOnScreen) => void run(smtp) };
}
