// The axe check every screen goes through must still see what it is there to see: serious and
// critical violations on a page with some, none on a page without.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seriousViolations } from './accessibility.js';
import { launchChromium } from './browser.js';
import { describeE2E } from './env.js';

const FLAWED = `<!doctype html><html lang="en"><head><title>Flawed</title></head><body><main>
  <h1>Flawed</h1>
  <button id="nameless"><svg width="10" height="10"></svg></button>
  <img id="no-alt" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <p id="faint" style="color:#bbb;background:#fff">Hard to read</p>
</main></body></html>`;

const CLEAN = `<!doctype html><html lang="en"><head><title>Clean</title></head><body><main>
  <h1>Clean</h1>
  <button>Save</button>
  <p style="color:#222;background:#fff">Easy to read</p>
</main></body></html>`;

describeE2E('seriousViolations', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('names each serious or critical violation with its element, and finds none on a clean page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent(FLAWED);
    const found = await seriousViolations(page);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[critical\] button-name .* at #nameless: /),
        expect.stringMatching(/^\[critical\] image-alt .* at #no-alt: /),
        expect.stringMatching(/^\[serious\] color-contrast .* at #faint: /),
      ]),
    );
    expect(found).toHaveLength(3);

    await page.setContent(CLEAN);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
