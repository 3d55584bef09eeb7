import { test } from 'node:test';
import assert from 'node:assert/strict';
import { html, elements } from './fake-dom.js';
import { markdown, safeUrl } from '../../main/resources/META-INF/resources/js/markdown.js';

const md = (source) => html(markdown(source));

test('headings, paragraphs, emphasis and inline code', () => {
  assert.equal(md('# Done\n\nThe **API** and *UI* use `GET /todos`.'),
    '<h1 class="md-h">Done</h1><p>The <strong>API</strong> and <em>UI</em> use <code>GET /todos</code>.</p>');
});

test('lists, quotes and rules', () => {
  assert.equal(md('- one\n- two'), '<ul><li>one</li><li>two</li></ul>');
  assert.equal(md('1. first\n2. second'), '<ol><li>first</li><li>second</li></ol>');
  assert.equal(md('> quoted'), '<blockquote><p>quoted</p></blockquote>');
  assert.equal(md('---'), '<hr></hr>');
});

test('a code fence keeps its text as it is, HTML included', () => {
  const out = md('```html\n<script>alert(1)</script>\n```');
  assert.match(out, /^<pre/);
  assert.ok(out.includes('&lt;script&gt;'), out);
  assert.ok(!out.includes('<script>'), out);
});

test('HTML in the text is shown as the characters it is made of and never becomes an element', () => {
  const nodes = markdown('Hello <img src=x onerror="alert(1)"> and <script>alert(2)</script> **<b>bold</b>**');
  const tags = elements(nodes).map((e) => e.tagName);
  assert.deepEqual(tags.filter((t) => !['P', 'STRONG'].includes(t)), []);
  assert.ok(elements(nodes).every((e) => ![...e.attrs.keys()].some((k) => k.startsWith('on'))));
  assert.ok(html(nodes).includes('&lt;img src=x onerror="alert(1)"&gt;'), html(nodes));
});

test('links keep only http and https addresses', () => {
  assert.equal(md('[docs](https://example.com/a?b=1)'),
    '<p><a href="https://example.com/a?b=1" rel="noopener noreferrer nofollow" target="_blank" class="md-link">docs</a></p>');
  for (const bad of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:msgbox', '/relative']) {
    const out = markdown(`[click](${bad})`);
    assert.deepEqual(elements(out).map((e) => e.tagName), ['P'], bad);
  }
  assert.equal(safeUrl(' https://example.com '), 'https://example.com/');
  assert.equal(safeUrl('JaVaScRiPt:alert(1)'), null);
  assert.equal(safeUrl('not a url'), null);
});

test('a table has a head and a body', () => {
  assert.equal(md('| a | b |\n|---|---|\n| 1 | 2 |'), '<div class="md-table"><table><thead><tr><th>a</th><th>b</th></tr></thead>'
    + '<tbody><tr><td>1</td><td>2</td></tr></tbody></table></div>');
});

test('very long input is cut into what is rendered and what is shown as it is', () => {
  const nodes = markdown('x'.repeat(100005));
  assert.equal(nodes[nodes.length - 1].className, 'md-rest');
  assert.equal(nodes[nodes.length - 1].textContent, 'xxxxx');
});

test('hostile nesting and unclosed markers finish quickly', () => {
  const started = Date.now();
  markdown('>'.repeat(5000) + ' deep\n' + '*a '.repeat(20000) + '[' .repeat(20000) + '`'.repeat(20000));
  assert.ok(Date.now() - started < 3000, 'took ' + (Date.now() - started) + ' ms');
});
