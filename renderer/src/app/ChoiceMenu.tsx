import { ActionIcon, Menu, Tooltip } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import type { ReactNode } from 'react';

export interface Choice<V extends string> {
  value: V;
  label: string;
  icon?: ReactNode;
  /** The language the label is written in, when it is not the page's. */
  lang?: string;
}

/** A header button (icon, with `label` as its name and tooltip) opening a menu of choices, the current one ticked. */
export function ChoiceMenu<V extends string>({
  label,
  icon,
  choices,
  current,
  onChoose,
}: {
  label: string;
  icon: ReactNode;
  choices: Choice<V>[];
  current: V;
  onChoose: (value: V) => void;
}) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Tooltip label={label}>
          <ActionIcon variant="default" size="lg" aria-label={label}>
            {icon}
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        {choices.map((choice) => (
          <Menu.Item
            key={choice.value}
            lang={choice.lang}
            leftSection={choice.icon}
            rightSection={choice.value === current ? <IconCheck size={14} aria-hidden /> : null}
            aria-current={choice.value === current ? 'true' : undefined}
            onClick={() => onChoose(choice.value)}
          >
            {choice.label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
