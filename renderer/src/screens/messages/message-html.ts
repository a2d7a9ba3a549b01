import DOMPurify from 'dompurify';

/**
 * The contract stores a message's body as plain text (that is what recipients receive). The
 * editor's HTML is kept in this window's memory only, by message id, so formatting survives
 * switching between messages but not a reload: nothing unencrypted is written to disk.
 */
const htmlById = new Map<string, { html: string; text: string }>();

/** Only the markup the editor produces (StarterKit + Link); no scripts, styles or event handlers. */
export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS: ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'hr', 'a'],
    ALLOWED_ATTR: ['href', 'target', 'rel'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plain text as editor paragraphs: blank lines separate paragraphs, single newlines become <br>. */
export function textToHtml(text: string): string {
  if (!text) return '';
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** The HTML to show for a stored body: the remembered formatting if it still matches the text. */
export function htmlForBody(id: string | null, body: string): string {
  const kept = id ? htmlById.get(id) : undefined;
  return kept && kept.text === body ? sanitizeHtml(kept.html) : textToHtml(body);
}

export function rememberHtml(id: string, html: string, text: string): void {
  htmlById.set(id, { html: sanitizeHtml(html), text });
}

export function forgetHtml(id: string): void {
  htmlById.delete(id);
}
