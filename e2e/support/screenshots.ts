// Full-page screenshots under e2e/screenshots/<screen>-<language>-<theme>.png (README.md links some).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOT_DIR } from './env.js';

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  // No hover effect on whatever was clicked last: the same picture every run.
  await page.mouse.move(0, 0);
  // Web fonts (the CJK ones especially) in place, so the picture shows the real glyphs.
  await page.waitForFunction('document.fonts.status === "loaded"');
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
  return path;
}
