// Black-box: where webhooks may point (CLI), SMTP hosts, and plans naming a webhook that is not set up.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { TempDirs, assertCliBuilt, describeResult, parseJsonStdout, useWeakTestKdf } from './test-support/run-cli.js';
import { initOnceAndCopy } from './test-support/init-once-and-copy.js';
import { ON_OWN_NETWORK, WebhookSink } from './test-support/webhook-sink.js';

useWeakTestKdf();
const temp = new TempDirs();
const hooks = new WebhookSink();

/** One vault set up once (`init`); each scenario works on its own copy. */
const base = initOnceAndCopy(temp);

beforeAll(async () => {
  assertCliBuilt();
  await hooks.start();
});
afterAll(async () => {
  await hooks.stop();
  await temp.cleanup();
});

interface ErrorDoc {
  error: { code: string; message: string };
}

describe.concurrent('webhook and SMTP host restrictions (CLI)', { timeout: 180_000 }, () => {
  it('channel webhook add: loopback only with --allow-private-network; link-local, odd IPv4 forms, credentials and other schemes never', async ({
    expect,
  }) => {
    const v = await base.copy('hooks');
    const refused = async (url: string, extra: string[] = []) => {
      const result = await v.run(['channel', 'webhook', 'add', '--name', 'x', '--url', url, ...extra, '--json']);
      expect(result.code, describeResult(result)).toBe(1);
      return parseJsonStdout<ErrorDoc>(result).error;
    };
    const privateRefusal = await refused(hooks.url('/lan'));
    expect(privateRefusal.code).toBe('BAD_REQUEST');
    expect(privateRefusal.message).toMatch(/private network.*--allow-private-network/);
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
      'http://[fd00:ec2::254]/',
      'http://0.0.0.0/',
      'http://[::]/',
      'http://[::ffff:169.254.169.254]/',
    ]) {
      expect((await refused(url, [ON_OWN_NETWORK])).message, url).toMatch(/never allowed/);
    }
    for (const url of ['http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.1/', 'http://127.1/', 'http://0/']) {
      expect((await refused(url, [ON_OWN_NETWORK])).message, url).toMatch(/four decimal numbers/);
    }
    expect((await refused('https://user:pass@hooks.example.org/x')).message).toMatch(/user name or password/);
    expect((await refused('file:///etc/passwd', [ON_OWN_NETWORK])).message).toMatch(/https:\/\//);
    expect((await refused('http://[::ffff:127.0.0.1]/')).message).toMatch(/private network/);

    await v.json(['channel', 'webhook', 'add', '--name', 'lan', '--url', hooks.url('/lan'), ON_OWN_NETWORK]);
    await v.json(['channel', 'webhook', 'add', '--name', 'public', '--url', 'https://ntfy.example.org/topic']);
    const listed = await v.json<{
      webhooks: { name: string; allowPrivateNetwork: boolean; privateNetworkKept: boolean }[];
    }>(['channel', 'list']);
    expect(listed.webhooks.map((w) => [w.name, w.allowPrivateNetwork, w.privateNetworkKept])).toEqual([
      ['lan', true, false],
      ['public', false, false],
    ]);
    const sent = await v.json<{ ok: boolean }>(['channel', 'test', 'lan']);
    expect(sent.ok).toBe(true);
    expect(hooks.requests.some((r) => r.path === '/lan')).toBe(true);
  });

  it('a name that only means this machine or the LAN (localhost, a name without a dot, .lan) needs the own-network flag, and then delivers', async ({
    expect,
  }) => {
    const v = await base.copy('local-names');
    const url = `http://localhost:${hooks.port}/by-name`;
    for (const name of [url, 'http://nas/hook', 'https://ntfy.lan/topic']) {
      const refused = await v.run(['channel', 'webhook', 'add', '--name', 'byname', '--url', name]);
      expect(refused.code, describeResult(refused)).toBe(1);
      expect(refused.stderr).toContain('--allow-private-network');
    }
    await v.json(['channel', 'webhook', 'add', '--name', 'byname', '--url', url, ON_OWN_NETWORK]);
    const before = hooks.requests.filter((r) => r.path === '/by-name').length;
    expect(await v.json(['channel', 'test', 'byname'])).toMatchObject({ ok: true });
    expect(hooks.requests.filter((r) => r.path === '/by-name').length).toBe(before + 1);
  });

  it('recipient webhooks follow the same rules', async ({ expect }) => {
    const v = await base.copy('recipients');
    const refused = await v.run([
      'recipient',
      'add',
      '--name',
      'Home',
      '--webhook',
      'http://192.168.1.20/hook',
      '--json',
    ]);
    expect(refused.code, describeResult(refused)).toBe(1);
    expect(parseJsonStdout<ErrorDoc>(refused).error.message).toMatch(/--allow-private-network/);
    const metadata = await v.run([
      'recipient',
      'add',
      '--name',
      'Meta',
      '--webhook',
      'http://169.254.169.254/',
      ON_OWN_NETWORK,
      '--json',
    ]);
    expect(metadata.code, describeResult(metadata)).toBe(1);
    const added = await v.json<{ id: string }>([
      'recipient',
      'add',
      '--name',
      'Home',
      '--webhook',
      'http://192.168.1.20/hook',
      ON_OWN_NETWORK,
    ]);
    const off = await v.run(['recipient', 'edit', added.id, '--no-allow-private-network', '--json']);
    expect(off.code, describeResult(off)).toBe(1);
    expect(await v.json(['recipient', 'edit', added.id, '--name', 'Home server'])).toMatchObject({
      name: 'Home server',
      allowPrivateNetwork: true,
    });
  });

  it('channel smtp: the host is a host name or an IP address, nothing else', async ({ expect }) => {
    const v = await base.copy('smtp');
    const smtp = (host: string) =>
      v.run(['channel', 'smtp', '--host', host, '--port', '587', '--from', 'me@example.org', '--json']);
    for (const host of [
      'smtp.example.org\r\nRCPT TO:<x@evil.example>',
      'smtp example.org',
      'me@smtp.example.org',
      'smtp.example.org/x',
      'smtp://smtp.example.org',
      'smtp.example.org:587',
      '2130706433',
      '',
    ]) {
      const result = await smtp(host);
      expect(result.code, `${JSON.stringify(host)}: ${describeResult(result)}`).toBe(1);
      expect(parseJsonStdout<ErrorDoc>(result).error.message).toMatch(/host/);
    }
    for (const host of ['smtp.example.org', 'localhost', '127.0.0.1', '192.168.1.2', '::1', '[::1]', 'mail']) {
      const result = await smtp(host);
      expect(result.code, `${host}: ${describeResult(result)}`).toBe(0);
    }
  });

  it('plan add/edit refuse webhook:NAME for a webhook that is not set up, naming it and how to add it', async ({
    expect,
  }) => {
    const v = await base.copy('plans');
    const levels = (third: string) => [
      '--level',
      '1d:desktop',
      '--level',
      '1d:email',
      '--level',
      `1d:${third}`,
      '--level',
      '1d:email',
      '--level',
      '1d:email',
    ];
    const ghost = await v.run([
      'plan',
      'add',
      '--name',
      'P',
      '--interval',
      '30d',
      ...levels('email+webhook:ghost'),
      '--json',
    ]);
    expect(ghost.code, describeResult(ghost)).toBe(1);
    const message = parseJsonStdout<ErrorDoc>(ghost).error.message;
    expect(message).toMatch(/webhook:ghost/);
    expect(message).toMatch(/channel webhook add --name ghost/);

    await v.json(['channel', 'webhook', 'add', '--name', 'phone', '--url', 'https://ntfy.example.org/t']);
    const plan = await v.json<{ id: string }>([
      'plan',
      'add',
      '--name',
      'P',
      '--interval',
      '30d',
      ...levels('email+webhook:phone'),
    ]);
    const edited = await v.run(['plan', 'edit', plan.id, ...levels('webhook:ghost'), '--json']);
    expect(edited.code, describeResult(edited)).toBe(1);
    expect(parseJsonStdout<ErrorDoc>(edited).error.message).toMatch(/webhook:ghost/);

    // Removed later: the plan still edits, and status names what is missing.
    await v.json(['channel', 'webhook', 'rm', 'phone']);
    await v.json(['plan', 'edit', plan.id, '--name', 'Renamed']);
    const rcp = await v.json<{ id: string }>(['recipient', 'add', '--name', 'Kin', '--email', 'kin@example.org']);
    await v.json(['message', 'add', '--title', 't', '--body', 'b', '--to', rcp.id, '--plan', plan.id]);
    const status = await v.json<{ problems: { code: string; params: Record<string, unknown> }[] }>(['status']);
    expect(status.problems).toContainEqual(
      expect.objectContaining({ code: 'PLAN_WEBHOOK_MISSING', params: expect.objectContaining({ webhook: 'phone' }) }),
    );
  });
});
