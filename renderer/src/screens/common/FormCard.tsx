import { Card, Stack, Text, Title } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';

/** A settings section: a titled card holding one form. */
export function FormCard({ id, title, description, onSubmit, children }: {
  id: string;
  title: string;
  description: string;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}) {
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby={`${id}-title`}>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id={`${id}-title`}>
            {title}
          </Title>
          <Text size="sm" c="dimmed">
            {description}
          </Text>
          {children}
        </Stack>
      </form>
    </Card>
  );
}
