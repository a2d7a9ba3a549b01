import type { ChannelSender } from './delivery-types.js';

/**
 * A sender built at its first send: a pass with nothing to send (a cron `tick` every minute) never
 * loads the mail or webhook code. A failed load is tried again at the next send, whose failure the
 * outbox records and retries like any other.
 */
export function lazySender(load: () => Promise<ChannelSender>): ChannelSender {
  let loading: Promise<ChannelSender> | null = null;
  const sender = (): Promise<ChannelSender> =>
    (loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    }));
  return {
    async send(item) {
      return (await sender()).send(item);
    },
    async close() {
      const loaded = await loading?.catch(() => null);
      await loaded?.close?.();
    },
  };
}
