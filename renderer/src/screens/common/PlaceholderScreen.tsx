import { Paper, Text } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { ScreenHeader } from './ScreenHeader';

/** Stands in for a screen that is still being built. */
export function PlaceholderScreen({ title }: { title: string }) {
  const { t } = useT();
  return (
    <>
      <ScreenHeader title={title} />
      <Paper withBorder p="lg">
        <Text c="dimmed">{t('common:placeholder')}</Text>
      </Paper>
    </>
  );
}
