import type { MethodInput, MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { useCallResult } from '../../hooks/useCallResult';

export type TestReply = MethodOutput<'channels.test'>;
type SmtpOnScreen = NonNullable<MethodInput<'channels.test'>['smtp']>;

/** Sends a test through one channel (for e-mail, optionally with unsaved settings) and keeps the server's answer to show. */
export function useChannelTest(channel: string) {
  const client = useClient();
  const { result, busy, call } = useCallResult<TestReply>();
  const send = (smtp?: SmtpOnScreen) =>
    void call(() => client.call('channels.test', { channel, ...(smtp ? { smtp } : {}) }));
  return { result, busy, run: () => send(), runWith: (smtp: SmtpOnScreen) => send(smtp) };
}
