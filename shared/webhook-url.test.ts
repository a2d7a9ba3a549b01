import { describe, expect, it } from 'vitest';
import { classifyIpAddress } from './network-address.js';
import { checkWebhookUrl } from './webhook-url.js';
import { smtpHostSchema } from './validation.js';

const strict = { allowPrivateNetwork: false };
const own = { allowPrivateNetwork: true };
const problem = (url: string, options = strict) => {
  const result = checkWebhookUrl(url, options);
  return result.ok ? null : result.problem;
};

describe('checkWebhookUrl', () => {
  it('accepts public https and http URLs', () => {
    expect(checkWebhookUrl('https://ntfy.sh/my-topic', strict)).toEqual({
      ok: true,
      url: 'https://ntfy.sh/my-topic',
      hostname: 'ntfy.sh',
    });
    expect(checkWebhookUrl('  http://203.0.113.7:8080/hook ', strict)).toMatchObject({
      ok: true,
      url: 'http://203.0.113.7:8080/hook',
      hostname: '203.0.113.7',
    });
    expect(checkWebhookUrl('https://[2001:db8::1]/x', strict)).toMatchObject({ ok: true });
  });

  it('refuses link-local and cloud metadata addresses, even on the own network', () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://169.254.0.1/',
      'http://[fe80::1]/',
      'http://[febf::1]/',
      'http://[fd00:ec2::254]/',
      'http://100.100.100.200/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]/',
    ]) {
      expect(problem(url, own), url).toBe('forbiddenAddress');
    }
  });

  it('refuses unspecified, multicast and reserved addresses', () => {
    for (const url of [
      'http://0/',
      'http://0.0.0.0/',
      'http://[::]/',
      'http://[::0]/',
      'http://224.0.0.1/',
      'http://255.255.255.255/',
      'http://[ff02::1]/',
    ]) {
      expect(problem(url, own), url).not.toBeNull();
      expect(['forbiddenAddress', 'ipForm']).toContain(problem(url, own));
    }
  });

  it('refuses IPv4 written in decimal, octal, hex or short form, with or without the flag', () => {
    for (const url of [
      'http://2130706433/',
      'http://0177.0.0.1/',
      'http://0x7f.1/',
      'http://127.1/',
      'http://0x7f000001/',
      'http://127.0.0.%31/',
      'http://127.0.0.1./',
      'http://8.8.8.010/',
    ]) {
      expect(problem(url, own), url).toBe('ipForm');
      expect(problem(url, strict), url).toBe('ipForm');
    }
  });

  it('allows loopback and private ranges only with allowPrivateNetwork', () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://127.8.9.10/',
      'http://[::1]/',
      'http://10.0.0.5/',
      'http://172.16.0.1/',
      'http://172.31.255.255/',
      'http://192.168.1.20:2586/alerts',
      'http://100.64.0.1/',
      'http://[fc00::1]/',
      'http://[fd12:3456::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:192.168.0.1]/',
    ]) {
      expect(problem(url, strict), url).toBe('privateAddress');
      expect(problem(url, own), url).toBeNull();
    }
    expect(problem('http://172.32.0.1/')).toBeNull();
    expect(problem('http://100.128.0.1/')).toBeNull();
  });

  it('refuses credentials in the URL and schemes other than http(s)', () => {
    expect(problem('https://user:pass@example.org/hook')).toBe('credentials');
    expect(problem('https://user@example.org/hook')).toBe('credentials');
    expect(problem('https://@example.org/hook')).toBe('credentials');
    for (const url of ['ftp://example.org/x', 'file:///etc/passwd', 'gopher://example.org/', 'javascript:alert(1)'])
      expect(problem(url), url).toBe('scheme');
    expect(problem('not a url')).toBe('invalid');
    expect(problem('')).toBe('invalid');
  });

  it('judges names that only mean this machine or the local network as private, before any lookup', () => {
    for (const url of [
      'http://localhost:8080/hook',
      'http://LOCALHOST./x',
      'http://nas/hook',
      'https://ntfy.lan/t',
      'http://printer.local/',
      'http://app.internal/',
      'http://box.home.arpa/',
      'http://a.localhost/',
    ]) {
      expect(checkWebhookUrl(url, strict), url).toMatchObject({ ok: false, problem: 'privateAddress' });
      expect(checkWebhookUrl(url, { allowPrivateNetwork: true }).ok, url).toBe(true);
    }
    expect(checkWebhookUrl('https://ntfy.sh/topic', strict).ok).toBe(true);
    expect(checkWebhookUrl('https://hooks.example.org/local/x', strict).ok).toBe(true);
  });

  it('words every problem for the CLI', () => {
    const result = checkWebhookUrl('http://127.0.0.1/', strict);
    expect(result.ok ? '' : result.message).toContain('--allow-private-network');
  });
});

describe('classifyIpAddress', () => {
  it('classifies what DNS may answer', () => {
    expect(classifyIpAddress('127.0.0.1')).toBe('private');
    expect(classifyIpAddress('::1')).toBe('private');
    expect(classifyIpAddress('::ffff:127.0.0.1')).toBe('private');
    expect(classifyIpAddress('64:ff9b::a9fe:a9fe')).toBe('forbidden');
    expect(classifyIpAddress('64:ff9b:1::a9fe:a9fe')).toBe('forbidden');
    expect(classifyIpAddress('::ffff:0:169.254.169.254')).toBe('forbidden');
    expect(classifyIpAddress('::ffff:0:10.0.0.1')).toBe('private');
    expect(classifyIpAddress('168.63.129.16')).toBe('forbidden');
    expect(classifyIpAddress('2002:a9fe:a9fe::1')).toBe('forbidden');
    expect(classifyIpAddress('2606:4700::1111')).toBe('public');
    expect(classifyIpAddress('1.1.1.1')).toBe('public');
    expect(classifyIpAddress('169.254.169.254')).toBe('forbidden');
    expect(classifyIpAddress('0.1.2.3')).toBe('forbidden');
    expect(classifyIpAddress('example.org')).toBeNull();
    expect(classifyIpAddress('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(classifyIpAddress('1::2::3')).toBeNull();
  });
});

describe('smtpHostSchema', () => {
  const ok = (host: string) => smtpHostSchema().safeParse(host).success;
  it('takes a host name or an IP address (local relays included)', () => {
    for (const host of [
      'smtp.example.org',
      'mail',
      'localhost',
      'xn--bcher-kva.example',
      '127.0.0.1',
      '10.0.0.25',
      '::1',
      '2001:db8::25',
    ])
      expect(ok(host), host).toBe(true);
    expect(smtpHostSchema().parse(' [::1] ')).toBe('::1');
  });
  it('refuses anything else: schemes, ports, users, paths, spaces, line breaks, odd IPv4 forms', () => {
    for (const host of [
      '',
      'smtp://smtp.example.org',
      'smtp.example.org:587',
      'me@smtp.example.org',
      'smtp.example.org/x',
      'smtp example.org',
      'smtp.example.org\r\nDATA',
      'smtp.example.org\nx',
      '-smtp.example.org',
      '2130706433',
      '127.1',
      'bücher.example',
      'a'.repeat(64) + '.org',
    ]) {
      expect(ok(host), JSON.stringify(host)).toBe(false);
    }
  });
});
