import { Card, Group, Stack, Text, Title } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';

/**
 * A titled section of a screen: its heading (with an optional badge or link at the right), a
 * dimmed line saying what it is for, then its content. The heading names the section
 * (`${id}-title`). With `onSubmit` the whole section is one form.
 */
export function SectionCard({
  id,
  title,
  aside,
  description,
  onSubmit,
  children,
}: {
  id: string;
  title: string;
  aside?: ReactNode;
  description?: ReactNode;
  onSubmit?: (event: FormEvent) => void;
  children: ReactNode;
}) {
  const content = (
    <Stack gap="sm">
      <SectionHeading id={id} title={title} aside={aside} />
      {description && (
        <Text size="sm" c="dimmed">
          {description}
        </Text>
      )}
      {children}
    </Stack>
  );
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby={`${id}-title`}>
      {onSubmit ? (
        <form onSubmit={onSubmit} noValidate>
          {content}
        </form>
      ) : (
        content
      )}
    </Card>
  );
}

function SectionHeading({ id, title, aside }: { id: string; title: string; aside?: ReactNode }) {
  const heading = (
    <Title order={2} size="h4" id={`${id}-title`}>
      {title}
    </Title>
  );
  if (!aside) return heading;
  return (
    <Group justify="space-between">
      {heading}
      {aside}
    </Group>
  );
}
