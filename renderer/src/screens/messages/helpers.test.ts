import { formatBytes } from './bytes';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, chunkCount } from './base64';
import { joinDelay, splitDelay } from './delay';
import { escapeHtml, textToHtml } from './message-html';

describe('delivery delay', () => {
  it('splits and joins days and hours', () => {
    expect(splitDelay(0)).toEqual({ days: 0, hours: 0 });
    expect(splitDelay((2 * 24 + 5) * 3_600_000 + 59_000)).toEqual({ days: 2, hours: 5 });
    expect(joinDelay({ days: 2, hours: 5 })).toBe((2 * 24 + 5) * 3_600_000);
  });
  it('clamps what the contract refuses', () => {
    expect(joinDelay({ days: -1, hours: 30 })).toBe(23 * 3_600_000);
    expect(joinDelay({ days: 99999, hours: 0 })).toBe(3650 * 86_400_000);
  });
});

describe('base64 chunks', () => {
  it('round-trips bytes, large ones included', () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 256);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    expect(bytesToBase64(new Uint8Array([104, 105]))).toBe('aGk=');
  });
  it('counts chunks', () => {
    expect(chunkCount(0, 10)).toBe(0);
    expect(chunkCount(10, 10)).toBe(1);
    expect(chunkCount(11, 10)).toBe(2);
  });
});

describe('text to editor HTML', () => {
  it('escapes and keeps paragraphs and line breaks', () => {
    expect(escapeHtml('<a href="x">&')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;');
    expect(textToHtml('Hi <b>\nthere\n\nBye')).toBe('<p>Hi &lt;b&gt;<br>there</p><p>Bye</p>');
    expect(textToHtml('')).toBe('');
  });
});

describe('formatBytes', () => {
  it('picks a unit', () => {
    expect(formatBytes(512, 'en')).toBe('512 B');
    expect(formatBytes(1536, 'en')).toBe('1.5 kB');
    expect(formatBytes(5 * 1024 * 1024, 'en')).toBe('5 MB');
  });
});
