// A small syntax highlighter: comments, strings, numbers and keywords of the languages agents usually write.
// It returns DOM nodes (text only), never HTML.
import { h } from './dom.js';

const KEYWORDS = new Set(('abstract async await boolean break case catch class const continue def default do double '
  + 'elif else enum export extends false final finally float for from func function if implements import in '
  + 'instanceof int interface let long new None not null or and package pass private protected public record '
  + 'return self static struct super switch this throw throws true True False try type typeof val var void '
  + 'while with yield fn mut impl pub use match select insert update delete where create table').split(' '));

const LANGS = {
  hash: /\.(py|sh|ya?ml|toml|rb|properties|conf|dockerfile)$|(^|\/)Dockerfile$/i,
  none: /\.(md|txt|diff|patch)$/i,
};

export function languageOf(key) {
  if (LANGS.none.test(key)) return 'text';
  if (LANGS.hash.test(key)) return 'hash';
  return 'c';
}

export function highlight(code, key) {
  const lang = languageOf(key || '');
  if (lang === 'text') return [document.createTextNode(code)];
  const comment = lang === 'hash' ? '#[^\\n]*' : '\\/\\/[^\\n]*|\\/\\*[\\s\\S]*?\\*\\/';
  const re = new RegExp(`(${comment})|("(?:\\\\.|[^"\\\\\\n])*"|'(?:\\\\.|[^'\\\\\\n])*'|\`(?:\\\\.|[^\`\\\\])*\`)`
    + '|(\\b\\d+(?:\\.\\d+)?\\b)|([A-Za-z_][A-Za-z0-9_]*)', 'g');
  const out = [];
  let last = 0;
  for (const m of code.matchAll(re)) {
    if (m.index > last) out.push(document.createTextNode(code.slice(last, m.index)));
    if (m[1]) out.push(h('span', { class: 'tok-comment' }, m[1]));
    else if (m[2]) out.push(h('span', { class: 'tok-string' }, m[2]));
    else if (m[3]) out.push(h('span', { class: 'tok-number' }, m[3]));
    else if (KEYWORDS.has(m[4])) out.push(h('span', { class: 'tok-keyword' }, m[4]));
    else out.push(document.createTextNode(m[4]));
    last = m.index + m[0].length;
  }
  if (last < code.length) out.push(document.createTextNode(code.slice(last)));
  return out;
}

/** A unified diff, one line per row, coloured by what the line does. */
export function diffLines(text) {
  return text.split('\n').map((line) => {
    const cls = line.startsWith('+++') || line.startsWith('---') ? 'diff-file'
      : line.startsWith('@@') ? 'diff-hunk' : line.startsWith('+') ? 'diff-add'
        : line.startsWith('-') ? 'diff-del' : 'diff-ctx';
    return h('span', { class: 'diff-line ' + cls }, line + '\n');
  });
}
