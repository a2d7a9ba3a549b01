// Debian's Chromium through playwright-core, and a record of what went wrong in a page: console
// errors, uncaught exceptions and server errors (HTTP 5xx) fail the test that saw them.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM } from './env.js';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PageOptions {
  baseURL: string;
  locale?: string;
  colorScheme?: 'light' | 'dark';
}

/**
 * Chromium also logs every HTTP error response as a console error ("Failed to load resource: the
 * server responded with a status of 401"). Those are replies the UI handles (a wrong password is a
 * 401); the responses themselves are checked below, where anything from 500 up counts.
 */
const HTTP_ERROR_ECHO = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

export class PageProblems {
  readonly seen: string[] = [];

  watch(page: Page): void {
    page.on('console', (message) => {
      if (message.type() === 'error' && !HTTP_ERROR_ECHO.test(message.text()))
        this.seen.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.seen.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 500)
        this.seen.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
    });
  }
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
}

/** A fresh context (its own cookies and storage) and page, times shown in UTC for stable screenshots. */
export async function openPage(browser: Browser, options: PageOptions): Promise<OpenedPage> {
  const context = await browser.newContext({
    baseURL: options.baseURL,
    locale: options.locale ?? 'en-US',
    colorScheme: options.colorScheme ?? 'light',
    timezoneId: 'UTC',
    viewport: { width: 1280, height: 860 },
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = new PageProblems();
  problems.watch(page);
  return { context, page, problems };
}
