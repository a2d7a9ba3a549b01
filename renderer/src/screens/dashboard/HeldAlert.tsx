import { Alert, Code, Text } from '@mantine/core';
import { IconPlayerPause } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';

/** A restored copy holds what it had not sent: nothing goes out until `afterword resume`. */
export function HeldAlert({ held }: { held: number }) {
  const { t } = useT();
  if (held === 0) return null;
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconPlayerPause />}
      title={t('backup:dashboard.heldTitle', { count: held })}
      mb="lg"
      role="alert"
    >
      <Text size="sm">{t('backup:dashboard.heldBody')}</Text>
      <Code block mt="xs">
        afterword resume
      </Code>
    </Alert>
  );
}
