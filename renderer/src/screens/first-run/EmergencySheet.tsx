import { Button, Group, Text } from '@mantine/core';
import { IconDownload, IconPrinter } from '@tabler/icons-react';
import { useT, type Translate } from '../../i18n/useT';
import { useFormat } from '../../i18n/useFormat';
import classes from './EmergencySheet.module.css';
import { startDownload } from '../common/start-download';

interface SheetFacts {
  recoveryKey: string;
  vaultDir: string;
  madeOn: string;
}

/** The sheet as lines of text: the same words on paper and in the saved file. */
function sheetLines(t: Translate, facts: SheetFacts): string[] {
  return [
    t('firstRun:sheet.title'),
    t('firstRun:sheet.made', { date: facts.madeOn }),
    '',
    `${t('firstRun:sheet.keyLabel')}:`,
    `    ${facts.recoveryKey}`,
    '',
    `${t('firstRun:sheet.vaultLabel')}:`,
    `    ${facts.vaultDir}`,
    '',
    `${t('firstRun:sheet.restoreLabel')}:`,
    `1. ${t('firstRun:sheet.restore1')}`,
    `2. ${t('firstRun:sheet.restore2')}`,
    `3. ${t('firstRun:sheet.restore3')}`,
    '',
    t('firstRun:sheet.keep'),
  ];
}

function saveText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  startDownload(url, fileName);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * "Save as file" and "Print" for the recovery key: an emergency sheet with the key, where the
 * vault is and how to get back in. Printing shows only the sheet (a print-only element).
 */
export function EmergencySheet({ recoveryKey, vaultDir }: { recoveryKey: string; vaultDir: string }) {
  const { t } = useT();
  const format = useFormat();
  const lines = sheetLines(t, { recoveryKey, vaultDir, madeOn: format.longDateTime(Date.now()) });
  return (
    <>
      <Group gap="xs">
        <Button
          variant="default"
          size="xs"
          leftSection={<IconDownload size={16} aria-hidden />}
          onClick={() => saveText(t('firstRun:sheet.fileName'), `${lines.join('\n')}\n`)}
        >
          {t('firstRun:recovery.saveFile')}
        </Button>
        <Button
          variant="default"
          size="xs"
          leftSection={<IconPrinter size={16} aria-hidden />}
          onClick={() => window.print()}
        >
          {t('firstRun:recovery.print')}
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        {t('firstRun:recovery.sheetHint')}
      </Text>
      <div className={classes.sheet} data-testid="emergency-sheet" aria-hidden>
        <pre style={{ whiteSpace: 'pre-wrap', fontSize: 14 }}>{lines.join('\n')}</pre>
      </div>
    </>
  );
}
