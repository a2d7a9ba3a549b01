import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import { IconShieldCheck, IconShieldX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { useCallResult } from '../../hooks/useCallResult';
import { useT } from '../../i18n/useT';

type Verification = MethodOutput<'audit.verify'>;

/**
 * Checks that no entry was changed or removed (each entry seals the one before it). `actions`
 * (the screen's other buttons) sit on the same row as "Verify the log".
 */
export function VerifyChain({ actions }: { actions?: ReactNode }) {
  const { t } = useT();
  const client = useClient();
  const { result, busy, call } = useCallResult<Verification>();
  const verify = () => void call(() => client.call('audit.verify'));
  return (
    <Stack gap="sm">
      <Group gap="sm">
        <Button variant="light" leftSection={<IconShieldCheck size={16} />} onClick={verify} loading={busy}>
          {t('activity:verify.button')}
        </Button>
        {actions}
      </Group>
      {result && (
        <Alert
          role="status"
          color={result.ok ? 'teal' : 'red'}
          variant="light"
          icon={result.ok ? <IconShieldCheck /> : <IconShieldX />}
          title={result.ok ? t('activity:verify.ok') : t('activity:verify.broken', { count: result.problems.length })}
        >
          <Text size="sm">{result.ok ? t('activity:verify.okBody') : t('activity:verify.brokenBody')}</Text>
          {result.problems.length > 0 && (
            <List size="sm" mt="xs">
              {result.problems.map((p, i) => (
                <List.Item key={i}>
                  {p.seq !== null ? t('activity:verify.problemAt', { seq: p.seq, problem: p.problem }) : p.problem}
                </List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
    </Stack>
  );
}
