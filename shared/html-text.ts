/**
 * The plain-text part of a formatted message: the editor's sanitized HTML (paragraphs, headings,
 * lists, quotes, code, links, rules) as text a mail client shows well. Lists keep their bullets
 * ("- ", "1. "), nested lists are indented, quotes are marked "> ", links keep their address, and
 * blocks are separated by exactly one blank line. Pure, no DOM: the core uses it for delivery,
 * the editor for the stored text, the preview to show what will be sent.
 */

interface Element {
  tag: string;
  href: string | null;
  children: Node[];
}
type Node = string | Element;

const VOID = new Set(['br', 'hr']);
const BLOCK = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'hr']);
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

/** A tolerant parse of well-formed, sanitized markup into a small tree (unknown tags keep their text). */
function parse(html: string): Node[] {
  const root: Element = { tag: '#root', href: null, children: [] };
  const stack: Element[] = [root];
  const top = () => stack[stack.length - 1]!;
  const tagPattern = /<(\/?)([a-z][a-z0-9]*)\b([^>]*)>|<!--[\s\S]*?-->/gi;
  let last = 0;
  for (let m = tagPattern.exec(html); m; m = tagPattern.exec(html)) {
    if (m.index > last) top().children.push(decodeEntities(html.slice(last, m.index)));
    last = tagPattern.lastIndex;
    if (!m[2]) continue; // a comment
    const tag = m[2].toLowerCase();
    if (m[1]) {
      const at = stack.map((e) => e.tag).lastIndexOf(tag);
      if (at > 0) stack.length = at;
      continue;
    }
    const href = /\bhref\s*=\s*"([^"]*)"/i.exec(m[3] ?? '')?.[1];
    const element: Element = { tag, href: href === undefined ? null : decodeEntities(href), children: [] };
    top().children.push(element);
    if (!VOID.has(tag) && !(m[3] ?? '').trim().endsWith('/')) stack.push(element);
  }
  if (last < html.length) root.children.push(decodeEntities(html.slice(last)));
  return root.children;
}

/** Inline content as one string: whitespace collapsed as a browser would, <br> kept as a line break. */
function inline(nodes: Node[], pre: boolean): string {
  let out = '';
  for (const node of nodes) {
    if (typeof node === 'string') out += pre ? node : node.replace(/\s+/g, ' ');
    else if (node.tag === 'br') out += '\n';
    else if (node.tag === 'a') {
      const text = inline(node.children, pre);
      const target = node.href?.replace(/^mailto:/i, '') ?? '';
      out += target && target !== text.trim() ? `${text} (${target})` : text;
    } else out += inline(node.children, pre || node.tag === 'pre');
  }
  return out;
}

function tidyLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, '').replace(/^ +/, ''))
    .filter((line, i, all) => line !== '' || (i > 0 && i < all.length - 1));
}

/** Blocks of lines, for a run of nodes that may mix inline content and blocks. */
function blocks(nodes: Node[]): string[][] {
  const result: string[][] = [];
  let pending: Node[] = [];
  const flush = () => {
    const lines = tidyLines(inline(pending, false).trim());
    if (lines.length > 0) result.push(lines);
    pending = [];
  };
  for (const node of nodes) {
    if (typeof node === 'string' || !BLOCK.has(node.tag)) {
      pending.push(node);
      continue;
    }
    flush();
    const block = blockOf(node);
    if (block.length > 0) result.push(block);
  }
  flush();
  return result;
}

function blockOf(el: Element): string[] {
  switch (el.tag) {
    case 'hr':
      return ['----------'];
    case 'pre':
      return inline(el.children, true)
        .replace(/^\n+|\s+$/g, '')
        .split('\n');
    case 'ul':
    case 'ol':
      return list(el);
    case 'blockquote':
      return joinBlocks(blocks(el.children)).map((line) => (line ? `> ${line}` : '>'));
    case 'li':
      return list({ tag: 'ul', href: null, children: [el] });
    default:
      return joinBlocks(blocks(el.children));
  }
}

/** One line per item: "- " or "1. " first, the item's further lines indented under its text. */
function list(el: Element): string[] {
  const lines: string[] = [];
  let n = 0;
  for (const item of el.children) {
    if (typeof item === 'string' && item.trim() === '') continue;
    const content =
      typeof item !== 'string' && item.tag === 'li' ? blocks(item.children).flat() : blocks([item]).flat();
    if (content.length === 0) continue; // an empty bullet says nothing
    n += 1;
    const marker = el.tag === 'ol' ? `${n}. ` : '- ';
    content.forEach((line, i) =>
      lines.push(i === 0 ? `${marker}${line}` : line ? `${' '.repeat(marker.length)}${line}` : ''),
    );
  }
  return lines;
}

function joinBlocks(parts: string[][]): string[] {
  return parts.flatMap((lines, i) => (i === 0 ? lines : ['', ...lines]));
}

export function htmlToText(html: string): string {
  return tidyText(joinBlocks(blocks(parse(html))).join('\n'));
}

/** Plain text with no runs of blank lines and no trailing spaces (a text body as typed). */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
