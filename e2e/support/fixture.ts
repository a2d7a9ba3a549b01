// One browser per test file; per session (a test, or a language/theme variant) a fresh runner on a
// fresh vault, a fresh browser context, and everything a test needs to drive and observe it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { TempDirs } from '../../electron/apps/cli/test-support/run-cli.js';
import { App } from '../pages/App.js';
import type { Ui } from '../pages/Screen.js';
import { Api } from './api.js';
import { launchChromium, openPage } from './browser.js';
import { assertBuilt } from './env.js';
import { Mailbox } from './mailbox.js';
import { ServeProcess } from './runner.js';
import { textsFor, type Language } from './texts.js';

export const PASSWORD = 'correct horse battery staple';
export const OWNER = { email: 'ada@example.org', name: 'Ada' };
/** Where the runner's clock starts in every session: screenshots show the same dates each run. */
export const FAKE_NOW = '2031-06-02T08:00:00.000Z';

export interface SessionOptions {
  /** The browser's preferred language (the UI follows it until one is chosen in the app). */
  language?: Language;
  colorScheme?: 'light' | 'dark';
  /** Serve this directory's `vault/` (and `keys/`) instead of a fresh one. */
  root?: string;
}

export interface Session {
  runner: ServeProcess;
  context: BrowserContext;
  page: Page;
  ui: Ui;
  app: App;
  /** The runner's API with the page's session (set-up a test is not about; the test clock). */
  api: Api;
  /** Console errors, page errors and HTTP 5xx in the page, and errors the runner logged: none expected. */
  problems(): string[];
}

export interface E2E {
  /** The loopback SMTP server every session's mail goes to. */
  mailbox(): Mailbox;
  /** A runner on a fresh vault and a page opened on it. */
  start(options?: SessionOptions): Promise<Session>;
}

/** Registers the file's hooks (browser, mailbox, clean-up); call it inside the file's describe. */
export function useE2E(): E2E {
  const temp = new TempDirs();
  const runners: ServeProcess[] = [];
  const contexts: BrowserContext[] = [];
  let browser: Browser | null = null;
  let mailbox: Mailbox | null = null;

  beforeAll(async () => {
    assertBuilt();
    [browser, mailbox] = await Promise.all([launchChromium(), Mailbox.start()]);
  });

  afterAll(async () => {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await Promise.allSettled(runners.map((r) => r.stop()));
    await browser?.close();
    await mailbox?.close();
    await temp.cleanup();
  });

  return {
    mailbox: () => {
      if (!mailbox) throw new Error('the mailbox starts in beforeAll');
      return mailbox;
    },
    async start(options = {}) {
      if (!browser) throw new Error('the browser starts in beforeAll');
      const runner = await ServeProcess.start(temp, { fakeNow: FAKE_NOW, root: options.root });
      runners.push(runner);
      const language = options.language ?? 'en';
      const opened = await openPage(browser, {
        baseURL: runner.url,
        locale: language,
        colorScheme: options.colorScheme,
      });
      contexts.push(opened.context);
      const ui: Ui = { page: opened.page, texts: await textsFor(language) };
      // A fresh vault: the link `serve` printed (with its one-time setup token), as the person opens it.
      await opened.page.goto(runner.openUrl);
      const { context, page, problems } = opened;
      return {
        runner,
        context,
        page,
        ui,
        app: new App(ui),
        api: new Api(page.request),
        problems: () => [...problems.seen, ...runner.errors().map((line) => `runner: ${line}`)],
      };
    },
  };
}
