import { Alert, Code, Text } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useT } from '../../i18n/useT';
import { testStepText } from './backup-labels';

type TestReport = MethodOutput<'backup.test'>;

/** The connection test's outcome: the step that failed (translated) and the server's answer, verbatim. */
export function BackupTestResult({ report }: { report: TestReport }) {
  const { t } = useT();
  const step = report.failedStep ?? 'list';
  return (
    <Alert
      role="status"
      color={report.ok ? 'teal' : 'red'}
      variant="light"
      icon={report.ok ? <IconCheck /> : <IconX />}
      title={report.ok ? t('backup:test.ok') : t('backup:test.failed')}
    >
      <Text size="sm">
        {report.ok
          ? t('backup:test.okBody', { where: report.where })
          : t('backup:test.failedAt', { where: report.where, step: testStepText(t, step) })}
      </Text>
      {!report.ok && report.message && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('backup:test.serverSaid')} <Code style={{ wordBreak: 'break-all' }}>{report.message}</Code>
        </Text>
      )}
    </Alert>
  );
}
