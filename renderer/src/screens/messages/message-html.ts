import DOMPurify from 'dompurify';
import { LINK_SCHEMES, MESSAGE_HTML_TAGS } from '../../../../shared/message-html.js';

/**
 * Only the markup the editor produces (StarterKit + Link), the same allow-list the core applies
 * when it stores a message (electron/core/repo/sanitize-html.ts): no attributes but a web or mail
 * address on links; no scripts, styles or event handlers.
 */
export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS: [...MESSAGE_HTML_TAGS],
    ALLOWED_ATTR: ['href'],
    ALLOWED_URI_REGEXP: LINK_SCHEMES,
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

/** The HTML to edit or preview for a stored message: its formatted body, else its text as paragraphs. */
export function htmlForBody(body: string, bodyHtml: string | null): string {
  return bodyHtml ? sanitizeHtml(bodyHtml) : textToHtml(body);
}
