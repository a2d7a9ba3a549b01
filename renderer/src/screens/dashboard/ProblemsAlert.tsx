import { Alert, Button, List } from '@mantine/core';
import type { StatusProblem } from '../../../../shared/status-problems.js';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useRouter } from '../../app/RouterContext';
import { problemText } from '../../labels/problem-labels';
import { useT } from '../../i18n/useT';

/** Configuration that would stop a warning or a delivery, each with what to do about it. */
export function ProblemsAlert({ problems }: { problems: StatusProblem[] }) {
  const { t, i18n } = useT();
  const { navigate } = useRouter();
  if (problems.length === 0) return null;
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconAlertTriangle />}
      title={t('dashboard:problems.title', { count: problems.length })}
      mb="lg"
      role="alert"
    >
      <List size="sm" spacing={4} mb="sm">
        {problems.map((p) => (
          <List.Item key={`${p.code}:${JSON.stringify(p.params)}`}>{problemText(t, p, i18n.language)}</List.Item>
        ))}
      </List>
      <Button size="xs" variant="light" color="orange" onClick={() => navigate('channels')}>
        {t('dashboard:problems.openChannels')}
      </Button>
    </Alert>
  );
}
