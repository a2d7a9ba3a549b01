import { useEffect, useRef, useState } from 'react';
import { useConnection, useEvents } from '../../client/ClientProvider';
import { useCheckin } from '../../app/CheckinProvider';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { unanswered, type Prompt } from './prompts';

const POLL_MS = 30_000;
const EVENT_DEBOUNCE_MS = 400;

/**
 * status.get, kept fresh: again after every check-in, on every plan or outbox event (debounced:
 * a delivery burst sends many), and every 30 s. A `warning.awaiting` event shows at once, before
 * the next status arrives. `offsetMs` maps the local clock onto the server's.
 */
export function useDashboardStatus() {
  const { version } = useCheckin();
  const query = useRpcQuery((client) => client.call('status.get'), version);
  const { reload } = query;
  const [pushed, setPushed] = useState<{ prompt: Prompt; version: number } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEvents((message) => {
    if (message.event === 'warning.awaiting') setPushed({ prompt: message.payload, version });
    if (
      message.event === 'vault.lockChanged' ||
      message.event === 'upload.progress' ||
      message.event === 'backup.progress'
    )
      return;
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      reload();
    }, EVENT_DEBOUNCE_MS);
  });

  // Back after a lost connection: fresh numbers now, not at the next poll.
  const connection = useConnection();
  const wasLost = useRef(false);
  useEffect(() => {
    if (connection === 'online' && wasLost.current) reload();
    wasLost.current = connection === 'lost';
  }, [connection, reload]);

  useEffect(() => {
    const poll = setInterval(reload, POLL_MS);
    return () => {
      clearInterval(poll);
      if (timer.current) clearTimeout(timer.current);
    };
  }, [reload]);

  const data = query.data;
  const offsetMs = data && query.receivedAt !== null ? data.now - query.receivedAt : 0;
  const open: Prompt[] = [...(data?.openPrompts ?? [])];
  // A pushed prompt counts until the next check-in, or until the status lists it itself.
  if (pushed && pushed.version === version && !open.some((p) => p.at === pushed.prompt.at)) open.unshift(pushed.prompt);
  return { ...query, offsetMs, prompts: unanswered(open, data?.lastCheckinAt ?? null) };
}
