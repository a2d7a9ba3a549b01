/**
 * The elements a message's formatted body may hold: exactly what the editor (Tiptap StarterKit +
 * Link) produces. The renderer's sanitizer and the core's, run on every save, both allow these and
 * nothing else; `<a>` keeps only an `href` with one of the LINK_SCHEMES.
 */
export const MESSAGE_HTML_TAGS = [
  'p',
  'br',
  'strong',
  'em',
  's',
  'u',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'a',
] as const;

/** The addresses a link may point to. */
export const LINK_SCHEMES = /^(?:https?:|mailto:)/i;
