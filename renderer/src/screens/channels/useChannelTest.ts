import { useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { useNotifyError } from '../../hooks/useNotifyError';

export type TestReply = MethodOutput<'channels.test'>;

/** Sends a test through one channel and keeps the server's answer to show. */
export function useChannelTest(channel: string) {
  const client = useClient();
  const notifyError = useNotifyError();
  const [result, setResult] = useState<TestReply | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setResult(null);
    try {
      setResult(await client.call('channels.test', { channel }));
    } catch (error) {
      notifyError(error);
    } finally {
      setBusy(false);
    }
  };
  return { result, busy, run: () => void run() };
}
