import { Button, Grid, Paper, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useRouter } from '../../app/RouterContext';
import { SHORTCUTS } from '../../hooks/shortcut-keys';
import { useT } from '../../i18n/useT';
import { ScreenHeader } from '../common/ScreenHeader';
import { MessageEditor } from './MessageEditor';
import { MessageList } from './MessageList';

/**
 * What goes out when the owner stops answering: the list of messages on the left, the one being
 * written on the right. `#/messages/new` (also the new-message shortcut, dispatched by the shell) starts a new one;
 * `#/messages/<id>` opens one.
 */
export default function MessagesScreen() {
  const { t } = useT();
  const { route, navigate } = useRouter();
  const [refreshKey, setRefreshKey] = useState(0);
  const param = route.params[0] ?? null;
  const editing = param === 'new' ? null : param;

  return (
    <>
      <ScreenHeader
        title={t('messages:title')}
        description={t('messages:description')}
        actions={
          <Button
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => navigate('messages', 'new')}
            title={t('messages:newShortcut', { keys: SHORTCUTS.newMessage() })}
          >
            {t('messages:new')}
          </Button>
        }
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 5, lg: 4 }} h={{ base: 420, md: 'calc(100dvh - 180px)' }} mih={360}>
          <MessageList selectedId={editing} refreshKey={refreshKey} onOpen={(id) => navigate('messages', id)} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7, lg: 8 }}>
          {param ? (
            <MessageEditor
              key={param}
              id={editing}
              onSaved={(id) => {
                setRefreshKey((k) => k + 1);
                if (id !== editing) navigate('messages', id);
              }}
              onDeleted={() => {
                setRefreshKey((k) => k + 1);
                navigate('messages');
              }}
            />
          ) : (
            <Paper withBorder radius="md" p="xl">
              <Text c="dimmed" size="sm">
                {t('messages:choose', { keys: SHORTCUTS.newMessage() })}
              </Text>
            </Paper>
          )}
        </Grid.Col>
      </Grid>
    </>
  );
}
