import Link from '@tiptap/extension-link';
import StarterKit from '@tiptap/starter-kit';

/** StarterKit (without its own Link) and a Link limited to web and mail addresses. */
export const EDITOR_EXTENSIONS = [
  StarterKit.configure({ link: false }),
  Link.configure({ openOnClick: false, autolink: true, protocols: ['http', 'https', 'mailto'] }),
];
