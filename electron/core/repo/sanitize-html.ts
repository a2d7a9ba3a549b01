import { LINK_SCHEMES, MESSAGE_HTML_TAGS } from '../../../shared/message-html.js';

/**
 * The server's allow-list for a message's formatted body: exactly the markup the editor (Tiptap
 * StarterKit + Link) produces. The renderer sanitizes with DOMPurify already; this is the second
 * gate, run on every save, so that nothing a client sends can reach a recipient's mail reader.
 *
 * Safe by construction: the input is tokenized once and the output is written from scratch.
 * Allowed elements are written as bare tags (no attributes), apart from `<a href>` with an http,
 * https or mailto address; every other tag is dropped and its text kept, except for elements whose
 * content is code or styling (script, style, …), which are dropped whole. Text is escaped (`<` and
 * `>` always, `&` unless it starts a character reference), every element is closed, and comments,
 * doctypes and processing instructions disappear. Sanitizing the output again changes nothing.
 */

const ALLOWED = new Set<string>(MESSAGE_HTML_TAGS);
const VOID = new Set(['br', 'hr']);
/** Elements whose content the HTML tokenizer reads as raw text up to their end tag: dropped whole. */
const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'textarea', 'title']);
const SAFE_URL = LINK_SCHEMES;
/** The few named references worth decoding in an address; unknown ones stay literal (and harmless). */
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

interface Tag {
  name: string;
  attrs: Array<{ name: string; value: string }>;
  /** The index just after the tag's `>`. */
  end: number;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f';
const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/** Text as it may stand in HTML: no markup, and `&` only where it starts a character reference. */
function escapeText(text: string): string {
  return text
    .replace(/&(?!(?:[a-zA-Z][a-zA-Z0-9]{0,31}|#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8});)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function codePoint(n: number): string {
  return Number.isFinite(n) && n > 0 && n <= 0x10ffff && (n < 0xd800 || n > 0xdfff)
    ? String.fromCodePoint(n)
    : '\ufffd';
}

/** Decodes numeric references and a few named ones, so the address checked is the one written. */
function decodeAttribute(value: string): string {
  return value.replace(
    /&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z][a-zA-Z0-9]{0,31}));?/g,
    (whole, dec?: string, hex?: string, name?: string) => {
      if (dec !== undefined) return codePoint(Number.parseInt(dec, 10));
      if (hex !== undefined) return codePoint(Number.parseInt(hex, 16));
      return whole.endsWith(';') && name !== undefined && NAMED[name] !== undefined ? NAMED[name] : whole;
    },
  );
}

/** The link's address if it is a web or mail address; anything else (javascript:, data:, relative) → null. */
function safeHref(attrs: Tag['attrs']): string | null {
  const href = attrs.find((a) => a.name === 'href');
  if (!href) return null;
  const url = decodeAttribute(href.value).replace(/^[ \t\n\f\r]+|[ \t\n\f\r]+$/g, '');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(url) || !SAFE_URL.test(url)) return null;
  return url;
}

/** Index just after the next `>` from `from` (or the end of the input). */
function skipPast(src: string, from: number, marker: string): number {
  const at = src.indexOf(marker, from);
  return at === -1 ? src.length : at + marker.length;
}

/** `<!-- … -->`, `<!DOCTYPE …>`, `<![CDATA[ … ]]>` and other `<!…>`: skipped. */
function skipDeclaration(src: string, lt: number): number {
  if (src.startsWith('<!--', lt)) return skipPast(src, lt + 4, '-->');
  return skipPast(src, lt + 2, '>');
}

/** After a raw-text element's start tag: index just after its end tag (or the end of the input). */
function skipRawText(src: string, from: number, name: string): number {
  let at = src.indexOf('</', from);
  while (at !== -1) {
    const after = src.charAt(at + 2 + name.length);
    if (
      src.slice(at + 2, at + 2 + name.length).toLowerCase() === name &&
      (isSpace(after) || after === '/' || after === '>')
    ) {
      return skipPast(src, at, '>');
    }
    at = src.indexOf('</', at + 2);
  }
  return src.length;
}

/** A start or end tag whose name begins at `start`; null when the input ends inside it. */
function readTag(src: string, start: number): Tag | null {
  const n = src.length;
  let j = start;
  while (j < n && !isSpace(src[j]!) && src[j] !== '/' && src[j] !== '>') j++;
  const tag: Tag = { name: src.slice(start, j).toLowerCase(), attrs: [], end: n };
  for (;;) {
    while (j < n && (isSpace(src[j]!) || src[j] === '/')) j++;
    if (j >= n) return null;
    if (src[j] === '>') {
      tag.end = j + 1;
      return tag;
    }
    const nameStart = j++;
    while (j < n && !isSpace(src[j]!) && src[j] !== '/' && src[j] !== '>' && src[j] !== '=') j++;
    const name = src.slice(nameStart, j).toLowerCase();
    while (j < n && isSpace(src[j]!)) j++;
    let value = '';
    if (src[j] === '=') {
      j++;
      while (j < n && isSpace(src[j]!)) j++;
      const quote = src[j];
      if (quote === '"' || quote === "'") {
        const close = src.indexOf(quote, j + 1);
        if (close === -1) return null;
        value = src.slice(j + 1, close);
        j = close + 1;
      } else {
        const valueStart = j;
        while (j < n && !isSpace(src[j]!) && src[j] !== '>') j++;
        value = src.slice(valueStart, j);
      }
    }
    tag.attrs.push({ name, value });
  }
}

class Writer {
  private readonly out: string[] = [];
  private readonly open: string[] = [];

  text(text: string): void {
    if (text) this.out.push(escapeText(text));
  }

  start(tag: Tag): void {
    if (!ALLOWED.has(tag.name)) return;
    if (VOID.has(tag.name)) {
      this.out.push(`<${tag.name}>`);
      return;
    }
    if (tag.name === 'a') {
      this.end('a'); // a link never sits inside a link
      const href = safeHref(tag.attrs);
      if (href === null) return;
      this.out.push(`<a href="${escapeAttribute(href)}">`);
    } else {
      this.out.push(`<${tag.name}>`);
    }
    this.open.push(tag.name);
  }

  /** Closes the innermost open element of that name and everything opened inside it. */
  end(name: string): void {
    const at = this.open.lastIndexOf(name);
    if (at === -1) return;
    while (this.open.length > at) this.out.push(`</${this.open.pop()!}>`);
  }

  finish(): string {
    while (this.open.length > 0) this.out.push(`</${this.open.pop()!}>`);
    return this.out.join('');
  }
}

export function sanitizeHtml(input: string): string {
  const src = input.replace(/\0/g, '');
  const n = src.length;
  const w = new Writer();
  let i = 0;
  while (i < n) {
    const lt = src.indexOf('<', i);
    if (lt === -1) {
      w.text(src.slice(i));
      break;
    }
    w.text(src.slice(i, lt));
    const next = src.charAt(lt + 1);
    if (next === '!') {
      i = skipDeclaration(src, lt);
    } else if (next === '?') {
      i = skipPast(src, lt, '>');
    } else if (next === '/') {
      if (!isLetter(src.charAt(lt + 2))) {
        i = skipPast(src, lt, '>'); // `</>` or a bogus comment
        continue;
      }
      const tag = readTag(src, lt + 2);
      if (!tag) break; // the input ends inside a tag: a browser drops it too
      w.end(tag.name);
      i = tag.end;
    } else if (isLetter(next)) {
      const tag = readTag(src, lt + 1);
      if (!tag) break;
      i = tag.end;
      if (tag.name === 'plaintext') break; // everything after it would be text of a dropped element
      if (RAW_TEXT.has(tag.name)) i = skipRawText(src, i, tag.name);
      else w.start(tag);
    } else {
      w.text('<');
      i = lt + 1;
    }
  }
  return w.finish();
}

/** True when the HTML shows nothing but white space (an empty editor gives `<p></p>`). */
export function isBlankHtml(html: string): boolean {
  return (
    html
      .replace(/<[^>]*>/g, '')
      .replace(/&nbsp;|&#160;|&#xa0;/gi, ' ')
      .trim() === ''
  );
}
