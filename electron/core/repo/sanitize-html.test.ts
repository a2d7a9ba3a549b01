import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBlankHtml, sanitizeHtml } from './sanitize-html.js';

describe('sanitizeHtml keeps what the editor produces', () => {
  it('keeps the StarterKit + Link markup, without attributes apart from a safe href', () => {
    const editor =
      '<h2>Hello</h2><p>Some <strong>bold</strong>, <em>italic</em>, <u>under</u>, <s>struck</s> and <code>code</code>.<br>Next line</p>' +
      '<blockquote><p>Quoted</p></blockquote><ul><li><p>one</p></li></ul><ol><li><p>two</p></li></ol><pre><code>x &lt; y</code></pre><hr>' +
      '<p><a target="_blank" rel="noopener noreferrer nofollow" href="https://example.org/a?b=1&amp;c=2">a link</a> and <a href="mailto:ana@example.org">mail</a></p>';
    expect(sanitizeHtml(editor)).toBe(
      '<h2>Hello</h2><p>Some <strong>bold</strong>, <em>italic</em>, <u>under</u>, <s>struck</s> and <code>code</code>.<br>Next line</p>' +
        '<blockquote><p>Quoted</p></blockquote><ul><li><p>one</p></li></ul><ol><li><p>two</p></li></ol><pre><code>x &lt; y</code></pre><hr>' +
        '<p><a href="https://example.org/a?b=1&amp;c=2">a link</a> and <a href="mailto:ana@example.org">mail</a></p>',
    );
  });

  it('keeps every heading level, lower-cases tag names and drops attributes', () => {
    expect(sanitizeHtml('<H1 class="x">a</H1><h6 style="color:red" id="y">b</h6>')).toBe('<h1>a</h1><h6>b</h6>');
  });

  it('keeps character references in text and escapes stray markup characters', () => {
    expect(sanitizeHtml('<p>&lt;script&gt; &amp; &copy; &#169; &#xA9; Tom & Jerry 1 < 2 > 0</p>')).toBe(
      '<p>&lt;script&gt; &amp; &copy; &#169; &#xA9; Tom &amp; Jerry 1 &lt; 2 &gt; 0</p>',
    );
  });

  it('keeps text in any script, CJK and emoji untouched', () => {
    expect(sanitizeHtml('<p>你好 👋 Ωmega</p>')).toBe('<p>你好 👋 Ωmega</p>');
  });
});

describe('sanitizeHtml removes everything else', () => {
  const cases: Array<[string, string, string]> = [
    ['a script element, with its code', '<p>hi</p><script>alert(1)</script><p>there</p>', '<p>hi</p><p>there</p>'],
    ['a script whose code holds a fake end tag', '<script>document.write("</scr" + "ipt>")</script>ok', 'ok'],
    ['an upper-case script with attributes', '<SCRIPT type="text/javascript" >alert(1)</SCRIPT >ok', 'ok'],
    ['an unterminated script', 'before<script>alert(1)', 'before'],
    ['style, with its rules', '<style>body{display:none}</style><p>x</p>', '<p>x</p>'],
    [
      'iframe, textarea, title, noscript',
      '<iframe src="https://evil"></iframe><textarea><b>t</b></textarea><title>T</title><noscript><p>n</p></noscript>x',
      'x',
    ],
    ['an image with onerror', '<p><img src=x onerror=alert(1)>text</p>', '<p>text</p>'],
    [
      'event handlers on allowed tags',
      '<p onclick="alert(1)" onmouseover=alert(2)>x</p><strong onload=alert(3)>y</strong>',
      '<p>x</p><strong>y</strong>',
    ],
    ['a javascript: link', '<a href="javascript:alert(1)">click</a>', 'click'],
    ['an upper-case, padded javascript: link', '<a href="  JaVaScRiPt:alert(1)">click</a>', 'click'],
    [
      'javascript: hidden by numeric references',
      '<a href="&#106;avascript&#58;alert(1)">x</a><a href="&#x6A;avascript:alert(1)">y</a>',
      'xy',
    ],
    [
      'javascript: split by a tab or a newline',
      '<a href="java\tscript:alert(1)">x</a><a href="java&#x09;script:alert(1)">y</a><a href="java&#10;script:1">z</a>',
      'xyz',
    ],
    [
      'javascript: split by a named reference',
      '<a href="javascript&colon;alert(1)">x</a><a href="java&Tab;script:alert(1)">y</a>',
      'xy',
    ],
    [
      'data:, vbscript: and relative links',
      '<a href="data:text/html,<script>alert(1)</script>">a</a><a href="vbscript:x">b</a><a href="/local">c</a><a>d</a>',
      'abcd',
    ],
    ['an unquoted javascript: href', '<a href=javascript:alert(1)>x</a>', 'x'],
    [
      'a second href after a safe one (the first counts)',
      '<a href="https://ok.example" href="javascript:alert(1)">x</a>',
      '<a href="https://ok.example">x</a>',
    ],
    [
      'a quote breaking out of the href',
      '<a href="https://ok.example/&quot; onmouseover=&quot;alert(1)">x</a>',
      '<a href="https://ok.example/&quot; onmouseover=&quot;alert(1)">x</a>',
    ],
    ['a > inside a quoted attribute', '<p title="a>b" onclick="alert(1)">x</p>', '<p>x</p>'],
    ['svg with a script and an onload', '<svg onload=alert(1)><script>alert(2)</script><text>t</text></svg>', 't'],
    [
      'comments, also conditional ones',
      'a<!-- <script>alert(1)</script> -->b<!--[if IE]><script>x</script><![endif]-->c',
      'abc',
    ],
    [
      'doctype, CDATA and processing instructions',
      '<!DOCTYPE html><![CDATA[<script>x</script>]]>a<?xml version="1.0"?>b',
      'x]]&gt;ab',
    ],
    ['a tag name that hides another (what is left is text)', '<scr<script>ipt>alert(1)</script>', 'ipt&gt;alert(1)'],
    ['an unterminated tag at the end', '<p>x</p><img src=x onerror="alert(1)', '<p>x</p>'],
    ['a tag with a lone < in text', '1 <2 and <3', '1 &lt;2 and &lt;3'],
    ['NUL characters', '<scr\u0000ipt>alert(1)</script>ok', 'ok'],
    [
      'form, input, object, embed, meta, link and base',
      '<form action="https://evil"><input value=v><button>b</button></form><object data=x></object><embed src=x><meta http-equiv=refresh><link rel=stylesheet href=x><base href=x>k',
      'bk',
    ],
    ['plaintext swallowing the rest', 'a<plaintext><p>b</p>', 'a'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(sanitizeHtml(input)).toBe(expected);
  });

  it('closes what was left open and ignores stray end tags', () => {
    expect(sanitizeHtml('<blockquote><p><strong>x')).toBe('<blockquote><p><strong>x</strong></p></blockquote>');
    expect(sanitizeHtml('</p></blockquote>x</em>')).toBe('x');
    expect(sanitizeHtml('<ul><li><em>a</ul>b')).toBe('<ul><li><em>a</em></li></ul>b');
  });

  it('never nests a link in a link', () => {
    expect(sanitizeHtml('<a href="https://a.example">a<a href="https://b.example">b</a>c</a>')).toBe(
      '<a href="https://a.example">a</a><a href="https://b.example">b</a>c',
    );
  });

  it('writes void elements without content or end tags', () => {
    expect(sanitizeHtml('a<br/>b<hr class=x>c</br>')).toBe('a<br>b<hr>c');
  });
});

describe('sanitizeHtml output', () => {
  const htmlish = fc
    .array(
      fc.oneof(
        fc.constantFrom('<', '>', '&', '"', "'", '=', '/', '!', '-', '?', ' ', '\t', '\n', ';', '#', ':'),
        fc.constantFrom(
          '<p>',
          '</p>',
          '<a href="',
          'javascript:',
          'https://x',
          '<script>',
          '</script>',
          '<!--',
          '-->',
          '<style>',
          '</a>',
          '<strong>',
          'onerror=',
          '&#106;',
          '&amp;',
          '<img ',
          '<svg>',
          '<![CDATA[',
        ),
        fc.string({ maxLength: 4 }),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(''));

  it('holds no script, style, event handler or unsafe link, whatever the input', () => {
    fc.assert(
      fc.property(htmlish, (input) => {
        const out = sanitizeHtml(input);
        // Every `<` starts an allowed tag, and no tag has an attribute but a safe href.
        for (const m of out.matchAll(/<[^>]*>?/g)) {
          expect(m[0]).toMatch(
            /^<\/?(?:p|br|strong|em|s|u|code|pre|blockquote|ul|ol|li|h[1-6]|hr|a)>$|^<a href="(?:https?|mailto):[^"<>]*">$/i,
          );
        }
        expect(out.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]/);
      }),
      { numRuns: 2000 },
    );
  });

  it('is a fixed point: sanitizing again changes nothing', () => {
    fc.assert(
      fc.property(htmlish, (input) => {
        const once = sanitizeHtml(input);
        expect(sanitizeHtml(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isBlankHtml', () => {
  it('is true for markup without visible text', () => {
    expect(isBlankHtml('')).toBe(true);
    expect(isBlankHtml('<p></p>')).toBe(true);
    expect(isBlankHtml('<p> &nbsp; </p><p><br></p>')).toBe(true);
    expect(isBlankHtml('<p>x</p>')).toBe(false);
  });
});
