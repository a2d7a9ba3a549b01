import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import type { MessageDraft } from './message-form-state';

type SavedDraft = NonNullable<MethodOutput<'drafts.get'>>;

/** How long typing must pause before the draft is saved. */
const AUTOSAVE_AFTER_MS = 600;

export type KeptState = { at: number } | 'failed' | null;

/**
 * The encrypted draft of the message being edited, kept in the vault so that a crash, a closed
 * window or a lock loses nothing: saved a moment after each change while there are unsaved
 * changes, dropped when the message is saved or the changes are discarded. When the editor
 * opens, a draft left from before is offered (`offer`) and nothing is saved over it until the
 * person has chosen. Calls run one after another, so a late save never brings a dropped draft back.
 */
export function useMessageDraft(
  messageId: string | null,
  current: MessageDraft,
  dirty: boolean,
  unchanged: (draft: MessageDraft) => boolean,
) {
  const client = useClient();
  const [offer, setOffer] = useState<SavedDraft | null>(null);
  const [checked, setChecked] = useState(false);
  const [kept, setKept] = useState<KeptState>(null);
  const latest = useRef(current);
  latest.current = current;
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pending = useRef(false);

  const enqueue = useCallback((op: () => Promise<unknown>) => {
    queue.current = queue.current.then(op, op);
    return queue.current;
  }, []);

  const save = useCallback(() => {
    clearTimeout(timer.current);
    pending.current = false;
    const draft = latest.current;
    return enqueue(async () => {
      try {
        const { savedAt } = await client.call('drafts.save', { messageId, draft });
        setKept({ at: savedAt });
      } catch {
        setKept('failed');
      }
    });
  }, [client, enqueue, messageId]);

  /** Drops the draft; resolves once it is gone (or could not be dropped: it is then offered again). */
  const discard = useCallback(async () => {
    clearTimeout(timer.current);
    pending.current = false;
    setKept(null);
    await enqueue(() => client.call('drafts.discard', { messageId }).catch(() => undefined));
  }, [client, enqueue, messageId]);

  /** Saves now what waits for the pause in typing (the page is closing, the vault locking). */
  const flush = useCallback(async () => {
    if (pending.current) await save();
  }, [save]);

  useEffect(() => {
    let live = true;
    client
      .call('drafts.get', { messageId })
      .then((saved) => {
        if (!live) return;
        if (saved && unchanged(saved.draft)) void discard();
        else if (saved) setOffer(saved);
      })
      .catch(() => undefined)
      .finally(() => live && setChecked(true));
    return () => {
      live = false;
    };
    // Asked once, when the editor opens.
  }, []);

  // Declared before the autosave so that, when the editor goes away, this runs first.
  useEffect(() => () => void flush(), [flush]);

  useEffect(() => {
    if (!dirty) pending.current = false;
    if (!dirty || !checked || offer) return undefined;
    pending.current = true;
    timer.current = setTimeout(() => void save(), AUTOSAVE_AFTER_MS);
    return () => clearTimeout(timer.current);
  }, [current, dirty, checked, offer, save]);

  const settle = useCallback(
    (restore: boolean) => {
      if (!restore) void discard();
      setOffer(null);
    },
    [discard],
  );

  return { offer, kept, discard, flush, settle };
}
