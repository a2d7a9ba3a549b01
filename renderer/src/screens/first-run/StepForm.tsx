import { Stack, Text, Title } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';

/** A first-run step that is one form: its heading (which names the form), what it is for, its fields. */
export function StepForm({
  id,
  title,
  body,
  onSubmit,
  children,
}: {
  id: string;
  title: string;
  body?: string;
  onSubmit: (event: FormEvent) => Promise<void>;
  children: ReactNode;
}) {
  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby={`first-run-${id}-title`}>
      <Stack gap="md">
        <Title order={2} size="h3" id={`first-run-${id}-title`}>
          {title}
        </Title>
        {body && <Text size="sm">{body}</Text>}
        {children}
      </Stack>
    </form>
  );
}
