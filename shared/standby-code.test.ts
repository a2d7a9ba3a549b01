import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { bech32 } from '@scure/base';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { parseStandbyCode, STANDBY_NAME_PATTERN } from './standby-code.js';

describe('parseStandbyCode', () => {
  it('reads an age X25519 recipient as typed, with a stable fingerprint', async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    const parsed = parseStandbyCode(recipient);
    expect(parsed).toEqual({ recipient, fingerprint: expect.stringMatching(/^([0-9A-F]{4}-){3}[0-9A-F]{4}$/) });
    expect(parseStandbyCode(`  ${recipient.toUpperCase()}\n`)).toEqual(parsed);
    const other = parseStandbyCode(await identityToRecipient(await generateX25519Identity()));
    expect(other?.fingerprint).not.toBe(parsed?.fingerprint);
  });

  it('refuses a mistyped, shortened or foreign code', async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    const swapped = recipient.slice(0, 10) + recipient[11] + recipient[10] + recipient.slice(12);
    for (const bad of [
      swapped === recipient ? `${recipient}q` : swapped,
      recipient.slice(0, -1),
      recipient.replace(/^age1/, 'age2'),
      'AGE-SECRET-KEY-1QQQQ',
      '',
    ]) {
      expect(parseStandbyCode(bad), bad).toBeNull();
    }
  });

  it('fingerprints the public key itself: SHA-256 of a label and the 32 bytes, cut to 8 bytes', () => {
    const code = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
    const { prefix, words } = bech32.decode(code as `${string}1${string}`);
    const key = bech32.fromWords(words);
    expect([prefix, key.length]).toEqual(['age', 32]);
    const digest = bytesToHex(sha256(concatBytes(utf8ToBytes('afterword/standby/fingerprint/v1\n'), key)));
    const expected = digest.slice(0, 16).toUpperCase().match(/.{4}/g)!.join('-');
    expect(parseStandbyCode(code)).toEqual({ recipient: code, fingerprint: expected });
  });
});

describe('STANDBY_NAME_PATTERN', () => {
  it('takes short slugs only', () => {
    for (const good of ['nas', 'vps-berlin', 'a', '7']) expect(STANDBY_NAME_PATTERN.test(good), good).toBe(true);
    for (const bad of ['', 'NAS', 'my nas', '-nas', 'nas-', 'x'.repeat(33), 'nas/..', 'né'])
      expect(STANDBY_NAME_PATTERN.test(bad), bad).toBe(false);
  });
});
