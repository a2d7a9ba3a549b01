import { Alert, Button, Code, CopyButton, Group, Image, List, Stack, Text } from '@mantine/core';
import { toString as qrSvg } from 'qrcode';
import { useEffect, useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { toRpcError } from '../../client/rpc-error';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { CodeInput } from './CodeInput';

type Enrolment = MethodOutput<'mfa.enable'>;

/** The otpauth:// URI as a QR code, drawn here (an SVG data URL): the secret never leaves the page. */
function useQrCode(uri: string): string | null {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void qrSvg(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then((svg) => {
      if (live) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      live = false;
    };
  }, [uri]);
  return src;
}

/** Set-up: scan (or type) the secret, save the recovery codes, prove it with a first code. */
export function TwoStepEnrolment({ enrolment, onConfirmed }: { enrolment: Enrolment; onConfirmed: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const qr = useQrCode(enrolment.uri);
  const [code, setCode] = useState('');
  const [wrong, setWrong] = useState(false);
  const codes = enrolment.recoveryCodes.join('\n');

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === '') return;
    setWrong(false);
    void run(async () => {
      try {
        await client.call('mfa.confirm', { code: code.trim() });
      } catch (error) {
        if (toRpcError(error).code !== 'MFA_CODE_WRONG') throw error;
        setWrong(true);
        return;
      }
      onConfirmed();
    });
  };

  return (
    <Stack gap="sm" aria-label={t('security:twoStep.setupLabel')} role="group">
      <Text size="sm">{t('security:twoStep.scan')}</Text>
      {qr && <Image src={qr} alt={t('security:twoStep.qrAlt')} w={200} h={200} radius="sm" bg="white" />}
      <Text size="sm">{t('security:twoStep.secretLabel')}</Text>
      <Code block data-testid="mfa-secret">
        {enrolment.secret}
      </Code>
      <Alert color="orange" title={t('security:twoStep.codesTitle')}>
        <Stack gap="xs">
          <Text size="sm">{t('security:twoStep.codesBody')}</Text>
          <List size="sm" spacing={2} ff="monospace" data-testid="mfa-recovery-codes">
            {enrolment.recoveryCodes.map((c) => (
              <List.Item key={c}>{c}</List.Item>
            ))}
          </List>
          <Group>
            <CopyButton value={codes}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy}>
                  {copied ? t('security:twoStep.copied') : t('security:twoStep.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Stack>
      </Alert>
      <form onSubmit={confirm} noValidate>
        <Stack gap="sm">
          <CodeInput
            label={t('security:twoStep.firstCode')}
            value={code}
            onChange={(value) => {
              setCode(value);
              setWrong(false);
            }}
            error={wrong ? t('errors:code.MFA_CODE_WRONG') : undefined}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={busy} disabled={code.trim() === ''}>
              {t('security:twoStep.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
