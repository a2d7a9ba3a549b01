import { createTheme, Input, type CSSVariablesResolver } from '@mantine/core';
import classes from './theme.module.css';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 7 keeps white button text and links above 4.5:1 (WCAG AA); Mantine's default 6 does not.
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif',
  headings: { fontWeight: '650' },
  components: {
    Input: Input.extend({ classNames: { input: classes.input } }),
  },
});

/** Light-scheme text colours darkened until small text passes 4.5:1 on white and on each light tint. */
const LIGHT_TEXT: Record<string, string> = {
  red: 'var(--mantine-color-red-9)',
  orange: '#a63c0a',
  yellow: '#8a5a00',
  green: '#1f6b31',
  teal: '#06654a',
  blue: 'var(--mantine-color-blue-9)',
  grape: 'var(--mantine-color-grape-9)',
};

/**
 * Contrast fixes on top of Mantine's defaults (axe "color-contrast", serious): dimmed text, error
 * text, coloured text (c="orange") and the text of light-variant alerts and badges.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    // Light-variant buttons and the active navigation link, hovered: indigo-9 text on Mantine's
    // indigo-2 is 4.1:1; this tint between indigo-1 and -2 keeps 4.7:1 and a visible hover.
    '--mantine-color-indigo-light-hover': '#cbd6ff',
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    ...Object.fromEntries(
      Object.entries(LIGHT_TEXT).flatMap(([color, value]) => [
        [`--mantine-color-${color}-text`, value],
        [`--mantine-color-${color}-light-color`, value],
      ]),
    ),
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-error': 'var(--mantine-color-red-5)',
  },
});
