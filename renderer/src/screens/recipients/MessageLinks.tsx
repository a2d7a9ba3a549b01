import { Anchor, Text } from '@mantine/core';
import { hashFor } from '../../app/useHashRoute';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';

export interface MessageRef {
  id: string;
  title: string;
}

/** Links to messages by title, in the language's list style ("A, B, and C" / "A、B和C"). */
export function MessageLinks({ messages }: { messages: MessageRef[] }) {
  const { t } = useT();
  const format = useFormat();
  return (
    <>
      {format.listPieces(messages.length).map((piece, i) => {
        if ('text' in piece) return <span key={`sep-${i}`}>{piece.text}</span>;
        const m = messages[piece.item]!;
        return (
          <Anchor key={m.id} href={hashFor('messages', m.id)} size="sm" underline="always">
            {m.title.trim() || t('recipients:usedBy.untitled')}
          </Anchor>
        );
      })}
    </>
  );
}

/** "Used by 2 messages: A and B", or that nothing goes to them yet. */
export function UsedBy({ messages }: { messages: MessageRef[] }) {
  const { t } = useT();
  if (messages.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('recipients:usedBy.none')}
      </Text>
    );
  }
  return (
    <Text size="sm">
      {t('recipients:usedBy.count', { count: messages.length })} <MessageLinks messages={messages} />
    </Text>
  );
}
