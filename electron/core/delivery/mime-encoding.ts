/**
 * The MIME encodings a plain Afterword mail needs (RFC 2045 quoted-printable bodies, RFC 2047
 * encoded words in headers, RFC 5322 dates), written out in one pass each: nodemailer's composer
 * runs every mail through a chain of streams for the same bytes.
 */

const HEX = '0123456789ABCDEF';
/** A quoted-printable line: at most 76 characters, a soft break's `=` included. */
const QP_LINE = 76;

/** A line break: CRLF, LF or CR. */
const LINE_BREAK = /\r\n|\r|\n/g;

/** Splits text at every line break, as a mail's lines. */
function lines(text: string): string[] {
  return text.split(LINE_BREAK);
}

/** A header value on one line: as nodemailer does, each line break becomes a space. */
function oneLine(text: string): string {
  return text.replace(LINE_BREAK, ' ');
}

/** One line of text, quoted-printable, soft-broken to lines of at most 76 characters. */
function quotedPrintableLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  let out = '';
  let width = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const last = i === bytes.length - 1;
    // Printable ASCII but `=` stands for itself; so do space and tab, except at the end of a line.
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
    const piece = literal ? String.fromCharCode(byte) : `=${HEX[byte >> 4]}${HEX[byte & 15]}`;
    // Room for the piece, and for a soft break after it unless the line ends there.
    if (width + piece.length > (last ? QP_LINE : QP_LINE - 1)) {
      out += '=\r\n';
      width = 0;
    }
    out += piece;
    width += piece.length;
  }
  return out;
}

/** Text as a quoted-printable body: CRLF line ends, no line over 76 characters. */
export function quotedPrintable(text: string): string {
  return lines(text).map(quotedPrintableLine).join('\r\n');
}

/** Printable ASCII only (space included): safe as is in a header. */
export function isPlainHeaderText(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}

/** Most UTF-8 bytes in one encoded word: 45 bytes are 60 base64 characters, 72 with `=?UTF-8?B?…?=`. */
const WORD_BYTES = 45;

/**
 * RFC 2047 encoded words (`=?UTF-8?B?…?=`), each under 76 characters and never splitting a
 * character, separated by a folding space: for a header value that is not plain ASCII.
 */
export function encodedWords(value: string): string {
  const words: string[] = [];
  let chunk = '';
  let chunkBytes = 0;
  for (const char of value) {
    const size = Buffer.byteLength(char, 'utf8');
    if (chunkBytes + size > WORD_BYTES && chunk !== '') {
      words.push(chunk);
      chunk = '';
      chunkBytes = 0;
    }
    chunk += char;
    chunkBytes += size;
  }
  if (chunk !== '' || words.length === 0) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
}

const LONGEST_WORD = 900;

/**
 * An unstructured header's value (Subject): as is when plain ASCII, folded at spaces to keep lines
 * short; otherwise as encoded words. A line break in the value never reaches the header.
 */
export function unstructuredHeader(name: string, text: string): string {
  const value = oneLine(text);
  const words = value.split(' ');
  // A word too long for any line (SMTP's limit is 998) is split by encoded words instead.
  if (!isPlainHeaderText(value) || words.some((word) => word.length > LONGEST_WORD))
    return `${name}: ${encodedWords(value)}`;
  let out = `${name}:`;
  let width = out.length;
  for (const word of words) {
    // A fold before an empty word (two spaces in a row) would leave a line of blanks.
    if (width + 1 + word.length > 78 && width > name.length + 1 && word !== '') {
      out += '\r\n';
      width = 0;
    }
    out += ` ${word}`;
    width += 1 + word.length;
  }
  return out;
}

/** `atext` of RFC 5322 and spaces: a display name that needs no quotes. */
const PLAIN_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/;

/** A mailbox: `address`, or `Name <address>` with the name quoted or encoded as it needs. */
export function mailbox(address: string, displayName?: string): string {
  const name = displayName === undefined ? undefined : oneLine(displayName);
  if (name === undefined || name === '') return address;
  let phrase: string;
  if (!isPlainHeaderText(name)) phrase = encodedWords(name);
  else if (PLAIN_PHRASE.test(name)) phrase = name;
  else phrase = `"${name.replace(/[\\"]/g, '\\$&')}"`;
  return `${phrase} <${address}>`;
}

/** An address this composer writes as is: ASCII, no quoted local part, no comments. */
export function isPlainAddress(address: string): boolean {
  return /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(address);
}

/** An RFC 5322 date in UTC: `Mon, 07 Dec 2026 14:10:00 +0000`. */
export function mailDate(at: Date): string {
  return at.toUTCString().replace(/GMT$/, '+0000');
}
