import { Input } from '@mantine/core';
import { RichTextEditor } from '@mantine/tiptap';
import '@mantine/tiptap/styles.css';
import { useEditor } from '@tiptap/react';
import { useId, useMemo } from 'react';
import { useT } from '../../i18n/useT';
import { htmlToText } from '../../../../shared/html-text.js';
import { sanitizeHtml } from './message-html';

// Loaded as a separate chunk (ProseMirror and Tiptap's core are shared with the editor's own), so no
// single file of the editor is too large.
const { EDITOR_EXTENSIONS } = await import('./editor-extensions');

export interface BodyChange {
  /** Sanitized HTML: stored as the message's `bodyHtml`, the HTML part of the e-mail. */
  html: string;
  /** The plain-text alternative: the message's `body`, the text part of the e-mail. */
  text: string;
}

/**
 * The message text, with formatting. The initial HTML is sanitized before it is shown; `onChange`
 * reports sanitized HTML and the plain text delivered with it (shared/html-text.ts: bullets kept).
 * Mount it again (a new `key`) to load another message.
 */
export default function RichBody({
  initialHtml,
  onChange,
  error,
}: {
  initialHtml: string;
  onChange(change: BodyChange): void;
  error?: string;
}) {
  const { t } = useT();
  const labelId = useId();
  const editor = useEditor({
    extensions: EDITOR_EXTENSIONS,
    content: sanitizeHtml(initialHtml),
    immediatelyRender: true,
    shouldRerenderOnTransaction: false,
    editorProps: { attributes: { 'aria-labelledby': labelId, 'aria-multiline': 'true', role: 'textbox' } },
    onUpdate: ({ editor: e }) => {
      const html = sanitizeHtml(e.getHTML());
      onChange({ html, text: htmlToText(html) });
    },
  });
  const labels = useMemo(
    () => ({
      boldControlLabel: t('messages:editor.toolbar.bold'),
      italicControlLabel: t('messages:editor.toolbar.italic'),
      underlineControlLabel: t('messages:editor.toolbar.underline'),
      strikeControlLabel: t('messages:editor.toolbar.strike'),
      clearFormattingControlLabel: t('messages:editor.toolbar.clearFormatting'),
      h2ControlLabel: t('messages:editor.toolbar.heading'),
      blockquoteControlLabel: t('messages:editor.toolbar.quote'),
      bulletListControlLabel: t('messages:editor.toolbar.bulletList'),
      orderedListControlLabel: t('messages:editor.toolbar.orderedList'),
      linkControlLabel: t('messages:editor.toolbar.link'),
      unlinkControlLabel: t('messages:editor.toolbar.unlink'),
      undoControlLabel: t('messages:editor.toolbar.undo'),
      redoControlLabel: t('messages:editor.toolbar.redo'),
      linkEditorInputLabel: t('messages:editor.toolbar.linkAddress'),
      linkEditorInputPlaceholder: t('messages:editor.toolbar.linkPlaceholder'),
      linkEditorExternalLink: t('messages:editor.toolbar.linkNewTab'),
      linkEditorInternalLink: t('messages:editor.toolbar.linkSameTab'),
      linkEditorSave: t('messages:editor.toolbar.linkSave'),
    }),
    [t],
  );
  return (
    <Input.Wrapper
      label={t('messages:editor.body')}
      description={t('messages:editor.bodyHint')}
      error={error}
      labelProps={{ id: labelId, htmlFor: undefined }}
    >
      <RichTextEditor editor={editor} labels={labels} mt={4}>
        <RichTextEditor.Toolbar>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.Bold />
            <RichTextEditor.Italic />
            <RichTextEditor.Underline />
            <RichTextEditor.Strikethrough />
            <RichTextEditor.ClearFormatting />
          </RichTextEditor.ControlsGroup>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.H2 />
            <RichTextEditor.Blockquote />
            <RichTextEditor.BulletList />
            <RichTextEditor.OrderedList />
          </RichTextEditor.ControlsGroup>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.Link />
            <RichTextEditor.Unlink />
          </RichTextEditor.ControlsGroup>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.Undo />
            <RichTextEditor.Redo />
          </RichTextEditor.ControlsGroup>
        </RichTextEditor.Toolbar>
        <RichTextEditor.Content mih={220} />
      </RichTextEditor>
    </Input.Wrapper>
  );
}
