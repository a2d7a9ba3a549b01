// A message's formatted body reaches the recipient: the final e-mail is multipart, its HTML part
// carries the stored (sanitized) formatting inside the usual template, its text part the plain
// body. Without formatting the HTML part is the escaped text, as before.
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';
import { parseMail, startSmtpServer, type TestSmtpServer } from '../test-support/smtp-server.js';
import { createTestVault, type TestVault } from '../test-support/vault-fixture.js';

let tv: TestVault | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await tv?.dispose();
  await smtp?.close();
  tv = smtp = undefined;
});

async function deliver(message: { body: string; bodyHtml?: string | null }) {
  tv = await createTestVault();
  smtp = await startSmtpServer();
  const { services, clock } = tv;
  services.settings.set('smtp', {
    host: '127.0.0.1',
    port: smtp.port,
    tls: 'none',
    user: null,
    password: null,
    from: 'me@example.org',
  });
  const kin = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' });
  const id = services.messages.create({ title: 'For Kin', ...message, recipientIds: [kin.id] });
  const engine = createEngine(services, { clock });
  try {
    engine.outbox.enqueue({
      kind: 'delivery',
      channel: 'email',
      messageId: id,
      recipientId: kin.id,
      idempotencyKey: 'delivery:1',
    });
    expect(await engine.worker.drain()).toMatchObject({ sent: 1, failed: 0 });
  } finally {
    await engine.close();
  }
  expect(smtp.received).toHaveLength(1);
  return parseMail(smtp.received[0]!);
}

describe('final delivery e-mails', () => {
  it('use the formatted body for the HTML part and the plain body for the text part', async () => {
    const mail = await deliver({
      body: 'Dear Kin,\n\nthe key is in the blue box.',
      bodyHtml:
        '<p>Dear <em>Kin</em>,</p><p>the key is in the <strong>blue box</strong>. <a href="https://example.org/map" onclick="steal()">Map</a></p><script>steal()</script>',
    });
    expect(mail.text).toContain('Dear Kin,\n\nthe key is in the blue box.');
    const html = String(mail.html);
    expect(html).toContain(
      '<p>Dear <em>Kin</em>,</p><p>the key is in the <strong>blue box</strong>. <a href="https://example.org/map">Map</a></p>',
    );
    expect(html).not.toMatch(/script|onclick|steal/);
    expect(html).toMatch(/^<!doctype html>/); // inside the usual template, with its footer
    expect(html).toContain('<hr>');
  });

  it('derive the text part from the formatting: list bullets kept, no runs of blank lines', async () => {
    // The body as the editor's old text extraction stored it: bullets lost, blank lines everywhere.
    const mail = await deliver({
      body: 'To do:\n\nCall the bank\n\nFeed the cat\n\n\n\nLove',
      bodyHtml:
        '<p>To do:</p><ul><li><p>Call the bank</p></li><li><p>Feed the cat</p></li></ul><p></p><p></p><ol><li><p>first</p></li></ol><p>Love</p>',
    });
    expect(mail.text).toContain('To do:\n\n- Call the bank\n- Feed the cat\n\n1. first\n\nLove\n\n-- \n');
    expect(String(mail.text)).not.toMatch(/\n\s*\n\s*\n/);
  });

  it('fall back to the escaped plain text when the message has no formatting', async () => {
    const mail = await deliver({ body: 'Use <b>this</b> & that' });
    const html = String(mail.html);
    expect(html).toContain('<p>Use &lt;b&gt;this&lt;/b&gt; &amp; that</p>');
    expect(html).not.toContain('<b>');
  });
});
