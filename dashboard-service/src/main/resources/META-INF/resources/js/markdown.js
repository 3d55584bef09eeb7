// A small Markdown renderer for what models write: headings, paragraphs, lists, quotes, code fences, tables, inline
// code, emphasis and links. It builds DOM nodes and puts every piece of the source in as text, so HTML in the source shows
// as the characters it is made of and never becomes an element. Links keep only http and https addresses.
import { h } from './dom.js';
import { highlight } from './highlight.js';

const MAX_SOURCE = 100000;
const MAX_DEPTH = 12;
// How far an inline span (emphasis, code, a link) may reach, and how many closing candidates an opening marker
// tries: they keep hostile input from taking quadratic time.
const REACH = 2000;
const TRIES = 40;
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)/;
const TABLE_RULE = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const EXTENSIONS = { js: 'js', javascript: 'js', ts: 'ts', typescript: 'ts', java: 'java', python: 'py', py: 'py',
  sh: 'sh', bash: 'sh', shell: 'sh', yaml: 'yaml', yml: 'yaml', json: 'json', sql: 'sql', go: 'go', rust: 'rs',
  kotlin: 'kt', c: 'c', cpp: 'cpp', css: 'css', toml: 'toml', dockerfile: 'dockerfile' };

/** The Markdown source as a list of DOM nodes; text beyond MAX_SOURCE characters is shown as it is. */
export function markdown(source) {
  const text = String(source ?? '').replace(/\r\n?/g, '\n');
  const head = text.length > MAX_SOURCE ? text.slice(0, MAX_SOURCE) : text;
  const nodes = blocks(head.split('\n'), 0);
  if (head.length < text.length) nodes.push(h('p', { class: 'md-rest' }, text.slice(MAX_SOURCE)));
  return nodes;
}

/** A link's address when it is an absolute http or https URL, normalised; otherwise null. */
export function safeUrl(raw) {
  try {
    const url = new URL(String(raw).trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch (e) {
    return null;
  }
}

function blocks(lines, depth) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) { i++; continue; }
    const fence = depth < MAX_DEPTH && line.match(FENCE);
    if (fence) {
      const indent = line.match(/^ */)[0].length;
      const body = [];
      i++;
      while (i < lines.length && !closes(lines[i], fence[1])) {
        body.push(lines[i].slice(Math.min(indent, lines[i].match(/^ */)[0].length)));
        i++;
      }
      i++;
      out.push(codeBlock(body.join('\n'), fence[2]));
      continue;
    }
    const heading = line.match(HEADING);
    if (heading) {
      out.push(h('h' + heading[1].length, { class: 'md-h' }, inline(heading[2] || '', depth)));
      i++;
      continue;
    }
    if (RULE.test(line)) { out.push(h('hr', {})); i++; continue; }
    if (depth < MAX_DEPTH && QUOTE.test(line)) {
      const body = [];
      while (i < lines.length && lines[i].trim() && QUOTE.test(lines[i])) body.push(lines[i++].replace(QUOTE, ''));
      out.push(h('blockquote', {}, blocks(body, depth + 1)));
      continue;
    }
    const table = line.includes('|') && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]) && tableBlock(lines, i, depth);
    if (table) {
      out.push(table[0]);
      i = table[1];
      continue;
    }
    const item = depth < MAX_DEPTH && line.match(ITEM);
    if (item) {
      const [list, next] = listBlock(lines, i, depth);
      out.push(list);
      i = next;
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !(para.length && startsBlock(lines[i]))) para.push(lines[i++].trim());
    out.push(h('p', {}, inline(para.join('\n'), depth)));
  }
  return out;
}

function closes(line, fence) {
  const m = line.match(/^ {0,3}(`{3,}|~{3,})\s*$/);
  return !!m && m[1][0] === fence[0] && m[1].length >= fence.length;
}

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);
}

function codeBlock(code, info) {
  const lang = EXTENSIONS[(info || '').toLowerCase()];
  return h('pre', { class: 'code md-code', 'data-lang': info || null },
    h('code', {}, lang ? highlight(code, 'code.' + lang) : code));
}

// One list: items of the same kind (bullets, or numbers with the same delimiter), each with the lines indented
// under it, which are blocks of their own (nested lists, code, more paragraphs).
function listBlock(lines, start, depth) {
  const first = lines[start].match(ITEM);
  const ordered = /\d/.test(first[2]);
  const delimiter = ordered ? first[2].slice(-1) : first[2];
  const items = [];
  let i = start;
  let loose = false;
  while (i < lines.length) {
    const m = lines[i].match(ITEM);
    if (!m || (ordered ? !/\d/.test(m[2]) || m[2].slice(-1) !== delimiter : m[2] !== delimiter)) break;
    const width = m[0].length || m[1].length + m[2].length + 1;
    const body = [lines[i].slice(m[0].length)];
    i++;
    while (i < lines.length) {
      const line = lines[i];
      if (!line.trim()) {
        let next = i;
        while (next < lines.length && !lines[next].trim()) next++;
        if (next >= lines.length || indentOf(lines[next]) < Math.min(width, 4)) break;
        for (; i < next; i++) body.push('');
        continue;
      }
      if (indentOf(line) >= Math.min(width, 4)) { body.push(line.slice(Math.min(width, indentOf(line)))); i++; continue; }
      if (body[body.length - 1] !== '' && !startsBlock(line)) { body.push(line.trim()); i++; continue; }
      break;
    }
    if (body.some((l, n) => !l.trim() && n < body.length - 1)) loose = true;
    items.push(body);
    const gap = i;
    while (i < lines.length && !lines[i].trim()) i++;
    if (i > gap && i < lines.length && lines[i].match(ITEM)) loose = true;
    else if (i > gap) { i = gap; break; }
  }
  const children = items.map((body) => {
    const content = blocks(body, depth + 1);
    return h('li', {}, !loose && content.length && content[0].tagName === 'P' ? [...content[0].childNodes, ...content.slice(1)]
      : content);
  });
  const number = ordered ? parseInt(first[2], 10) : 1;
  return [h(ordered ? 'ol' : 'ul', { start: ordered && number !== 1 ? number : null }, children), i];
}

// A table: a header row, a row of dashes (colons for alignment) with as many cells, then rows up to a blank line.
function tableBlock(lines, start, depth) {
  const head = cells(lines[start]);
  const aligns = cells(lines[start + 1]).map((c) => (c.endsWith(':') ? (c.startsWith(':') ? 'center' : 'right') : null));
  if (head.length !== aligns.length) return null;
  const cell = (tag, text, n) => h(tag, { class: aligns[n] ? 'md-' + aligns[n] : null }, inline(text, depth + 1));
  const rows = [];
  let i = start + 2;
  while (i < lines.length && lines[i].trim() && lines[i].includes('|')) {
    const row = cells(lines[i++]);
    rows.push(h('tr', {}, head.map((_, n) => cell('td', row[n] || '', n))));
  }
  return [h('div', { class: 'md-table' }, h('table', {}, h('thead', {}, h('tr', {}, head.map((text, n) => cell('th', text, n)))),
    rows.length ? h('tbody', {}, rows) : null)), i];
}

function cells(line) {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  return row.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

function indentOf(line) {
  return line.match(/^[ \t]*/)[0].replace(/\t/g, '    ').length;
}

// ---------------------------------------------------------------- inline

function inline(text, depth) {
  const out = [];
  let plain = '';
  const flush = () => { if (plain) { out.push(document.createTextNode(plain)); plain = ''; } };
  const push = (node) => { flush(); out.push(node); };
  let i = 0;
  let nextClose = -2; // where the next ']' is (-1: there is none), so a run of '[' is not scanned again and again
  while (i < text.length) {
    const c = text[i];
    const rest = () => text.slice(i, i + REACH);
    if (c === '\\' && i + 1 < text.length && PUNCTUATION.test(text[i + 1])) { plain += text[i + 1]; i += 2; continue; }
    if (c === '\n') { push(h('br', {})); i++; continue; }
    if (c === '`') {
      const run = rest().match(/^`+/)[0];
      const end = findRun(text, i + run.length, run);
      if (end >= 0) {
        let code = text.slice(i + run.length, end).replace(/\n/g, ' ');
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
        push(h('code', {}, code));
        i = end + run.length;
        continue;
      }
      plain += run;
      i += run.length;
      continue;
    }
    if (depth < MAX_DEPTH && (c === '*' || c === '_' || c === '~')) {
      const span = emphasis(text, i, depth);
      if (span) { push(span.node); i = span.end; continue; }
    }
    if (c === '[' || (c === '!' && text[i + 1] === '[')) {
      const from = c === '!' ? i + 1 : i;
      if (nextClose !== -1 && nextClose < from) nextClose = text.indexOf(']', from);
      const link = depth < MAX_DEPTH && nextClose >= 0 && nextClose - from <= REACH && linkAt(text, from, depth);
      if (link) { push(link.node); i = link.end; continue; }
    }
    if (c === '<') {
      const auto = rest().match(/^<(https?:\/\/[^\s<>]+)>/i);
      const url = auto && safeUrl(auto[1]);
      if (url) { push(anchor(url, [auto[1]])); i += auto[0].length; continue; }
    }
    if ((c === 'h' || c === 'H') && (i === 0 || /[\s(]/.test(text[i - 1]))) {
      const bare = rest().match(/^https?:\/\/[^\s<>"]+/i);
      if (bare) {
        const raw = bare[0].replace(/[.,;:!?'")\]]+$/, '');
        const url = safeUrl(raw);
        if (url) { push(anchor(url, [raw])); i += raw.length; continue; }
      }
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

function findRun(text, from, run) {
  let at = text.indexOf(run, from);
  while (at >= 0 && at - from <= REACH) {
    const before = text[at - 1] === '`';
    const after = text[at + run.length] === '`';
    if (!before && !after) return at;
    at = text.indexOf(run, at + run.length + (after ? 1 : 0));
  }
  return -1;
}

// **strong**, __strong__, *em*, _em_ and ~~deleted~~; an underscore inside a word (snake_case) stays as it is.
function emphasis(text, i, depth) {
  const c = text[i];
  const double = text[i + 1] === c;
  if (c === '~' && !double) return null;
  const marker = double ? c + c : c;
  const open = i + marker.length;
  if (open >= text.length || /\s/.test(text[open])) return null;
  if (c === '_' && i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1])) return null;
  let at = open + 1;
  let tries = 0;
  while ((at = text.indexOf(marker, at)) >= 0 && at - open <= REACH && tries++ < TRIES) {
    const inner = text.slice(open, at);
    const closeOk = !/\s/.test(text[at - 1]) && (double || text[at + 1] !== c)
      && !(c === '_' && at + marker.length < text.length && /[\p{L}\p{N}]/u.test(text[at + marker.length]));
    if (closeOk && balancedCode(inner)) {
      const tag = c === '~' ? 'del' : double ? 'strong' : 'em';
      return { node: h(tag, {}, inline(inner, depth + 1)), end: at + marker.length };
    }
    at += 1;
  }
  return null;
}

function balancedCode(inner) {
  return (inner.match(/`/g) || []).length % 2 === 0;
}

// [text](address "title"); ![alt](address) becomes a link to the image, never an image the page would load.
function linkAt(text, i, depth) {
  let level = 0;
  let close = -1;
  for (let j = i; j < Math.min(text.length, i + REACH); j++) {
    if (text[j] === '\\') { j++; continue; }
    if (text[j] === '[') level++;
    else if (text[j] === ']' && --level === 0) { close = j; break; }
  }
  if (close < 0 || text[close + 1] !== '(') return null;
  let parens = 0;
  let end = -1;
  for (let j = close + 1; j < Math.min(text.length, close + REACH); j++) {
    if (text[j] === '\\') { j++; continue; }
    if (text[j] === '(') parens++;
    else if (text[j] === ')' && --parens === 0) { end = j; break; }
    else if (text[j] === '\n') break;
  }
  if (end < 0) return null;
  const image = text[i - 1] === '!';
  const label = text.slice(i + 1, close);
  const target = text.slice(close + 2, end).trim().match(/^<?([^\s>]*)>?(?:\s+["'(](.*)["')])?$/);
  const url = target && safeUrl(target[1]);
  const start = image ? i - 1 : i;
  if (!url) return { node: document.createTextNode(text.slice(start, end + 1)), end: end + 1 };
  const content = image ? [label || target[1]] : inline(label, depth + 1);
  const a = anchor(url, content);
  if (target[2]) a.title = target[2];
  if (image) a.classList.add('md-image');
  return { node: a, end: end + 1 };
}

function anchor(url, content) {
  return h('a', { href: url, rel: 'noopener noreferrer nofollow', target: '_blank', class: 'md-link' }, content);
}
