import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { htmlToText, tidyText } from './html-text.js';

describe('htmlToText', () => {
  it('separates paragraphs and headings by exactly one blank line', () => {
    expect(
      htmlToText('<h2>Dear Anna</h2><p>The keys are <strong>under</strong> the pot.</p><p></p><p></p><p>Love</p>'),
    ).toBe('Dear Anna\n\nThe keys are under the pot.\n\nLove');
  });

  it('keeps list bullets and numbers, one item a line, nested lists indented', () => {
    const html =
      '<p>Things to do:</p><ul><li><p>Call the bank</p></li><li><p>Feed the cat</p><ul><li><p>twice a day</p></li></ul></li></ul>' +
      '<ol><li><p>First</p></li><li><p>Second</p><p>more about it</p></li></ol><p>Done.</p>';
    expect(htmlToText(html)).toBe(
      [
        'Things to do:',
        '',
        '- Call the bank',
        '- Feed the cat',
        '  - twice a day',
        '',
        '1. First',
        '2. Second',
        '   more about it',
        '',
        'Done.',
      ].join('\n'),
    );
  });

  it('marks quotes, keeps line breaks, code as written, and link addresses', () => {
    const html =
      '<blockquote><p>Be kind.</p><p>Always.</p></blockquote><p>Line one<br>Line two</p>' +
      '<pre><code>a  =  1\nb = 2</code></pre><p>See <a href="https://example.org/x">the site</a> or <a href="mailto:jo@example.org">jo@example.org</a>.</p><hr><p>PS</p>';
    expect(htmlToText(html)).toBe(
      '> Be kind.\n>\n> Always.\n\nLine one\nLine two\n\na  =  1\nb = 2\n\nSee the site (https://example.org/x) or jo@example.org.\n\n----------\n\nPS',
    );
  });

  it('decodes entities and collapses whitespace as a browser shows it', () => {
    expect(htmlToText('<p>Tom &amp; Jerry &lt;3 &#128153; &quot;hi&quot;</p>\n<p>  spaced \n  out  </p>')).toBe(
      'Tom & Jerry <3 💙 "hi"\n\nspaced out',
    );
  });

  it('never leaves a run of blank lines or trailing spaces, whatever the markup', () => {
    const tag = fc.constantFrom(
      '<p>',
      '</p>',
      '<ul>',
      '</ul>',
      '<li>',
      '</li>',
      '<br>',
      '<blockquote>',
      '</blockquote>',
      '<h2>',
      '</h2>',
      '<ol>',
      '</ol>',
      '<hr>',
    );
    const word = fc.constantFrom('a', 'word', ' ', '  ', '\n', '&amp;');
    fc.assert(
      fc.property(fc.array(fc.oneof(tag, word), { maxLength: 40 }), (pieces) => {
        const text = htmlToText(pieces.join(''));
        expect(text).not.toMatch(/\n\s*\n\s*\n/);
        expect(text).not.toMatch(/[ \t]+$/m);
        expect(text).toBe(text.trim());
      }),
    );
  });
});

describe('tidyText', () => {
  it('keeps single blank lines, drops runs of them and trailing spaces', () => {
    expect(tidyText('Hi  \r\n\r\n\r\n\nthere\n\n\n')).toBe('Hi\n\nthere');
  });
});
