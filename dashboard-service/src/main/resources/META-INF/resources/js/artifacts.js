// The artifacts of one task: a tree of their paths, the content of the one picked with its versions and diffs, and
// the conflicting writes and how they were resolved.
import { h, fill } from './dom.js';
import { time } from './format.js';
import { get, contextPath } from './api.js';
import { highlight, diffLines } from './highlight.js';

/** The panel for the task taskId in the boxes tree, pane and conflicts; current() says it is still on screen. */
export function artifactsPanel({ tree, pane, conflicts }, { taskId, current }) {
  let shown = null; // the state last rendered
  // The artifact picked, and its entry in the state when it was read: a newer entry means a newer version to read.
  let selected = null;

  function render(s) {
    shown = s;
    renderConflicts(conflicts, s);
    const keys = [...s.artifacts.keys()].sort();
    const stale = selected && s.artifacts.get(selected.key) !== selected.entry;
    const sig = keys.map((k) => k + '@' + s.artifacts.get(k).version).join('|') + '#' + (selected && selected.key);
    if (tree.dataset.sig !== sig) {
      tree.dataset.sig = sig;
      drawTree(s, keys);
    }
    if (stale) show(selected.key);
  }

  function drawTree(s, keys) {
    if (!keys.length) { fill(tree, h('p', { class: 'muted' }, 'No artifacts yet.')); return; }
    const root = {};
    for (const k of keys) {
      let dir = root;
      const parts = k.split('/');
      parts.slice(0, -1).forEach((p) => { dir = dir[p + '/'] = dir[p + '/'] || {}; });
      dir[parts[parts.length - 1]] = k;
    }
    const list = (dir) => h('ul', {}, Object.keys(dir).sort().map((name) => {
      const value = dir[name];
      if (typeof value === 'string') {
        const a = s.artifacts.get(value);
        return h('li', {}, h('a', {
          href: '#', class: 'file' + (a.tombstone ? ' deleted' : '') + (selected && selected.key === value ? ' selected' : ''),
          'data-key': value, onclick: (e) => { e.preventDefault(); show(value); },
        }, name, h('span', { class: 'ver' }, ' v' + a.version)));
      }
      return h('li', { class: 'dir' }, h('span', {}, name), list(value));
    }));
    fill(tree, list(root));
  }

  async function show(key, version) {
    selected = { key, entry: shown.artifacts.get(key) };
    fill(pane, h('p', { class: 'muted' }, 'Loading ' + key + '…'));
    render(shown);
    try {
      const [art, history] = await Promise.all([
        get(contextPath(taskId, 'artifacts', key) + (version ? '?version=' + version : '')),
        get(contextPath(taskId, 'history', key)).catch(() => []),
      ]);
      if (!current() || selected.key !== key) return;
      const versions = Array.isArray(history) ? history : [];
      const latest = Math.max(art.version, ...versions.map((ver) => ver.version || 0));
      fill(pane,
        h('div', { class: 'artifact-head' }, h('b', {}, key), ` v${art.version} · ${art.kind || ''}`,
          art.author ? ` · by ${[art.author.role, art.author.agentId].filter(Boolean).join('/')}` : '',
          art.model ? ` · ${art.model}` : '',
          art.version < latest ? h('span', { class: 'older' }, ` · an older version; the latest is v${latest}`) : null),
        h('pre', { class: 'code', id: 'artifact-content' }, h('code', {}, highlight(art.content || '', key))),
        versions.length ? h('div', { class: 'history' }, h('h3', {}, 'Versions'),
          h('ol', {}, versions.map((ver) => h('li', { class: ver.version === art.version ? 'current' : '' },
            h('a', { href: '#', 'aria-current': ver.version === art.version ? 'true' : null,
              onclick: (e) => { e.preventDefault(); show(key, ver.version); } }, 'v' + ver.version),
            ` ${time(ver.createdAt)} ${ver.author ? [ver.author.role, ver.author.agentId].filter(Boolean).join('/') : ''}`,
            ver.version > 1 ? h('button', { type: 'button', class: 'small', onclick: () => showDiff(key, ver.version - 1, ver.version) },
              `diff v${ver.version - 1}→v${ver.version}`) : null)))) : null,
        h('div', { id: 'artifact-diff' }));
    } catch (err) {
      if (!current()) return;
      fill(pane, h('p', { class: 'feedback error' }, `Cannot show ${key}: ${err.message}`));
    }
  }

  async function showDiff(key, from, to) {
    const box = document.getElementById('artifact-diff');
    fill(box, h('p', { class: 'muted' }, 'Loading diff…'));
    try {
      const text = await get(contextPath(taskId, 'diff', key) + `?from=${from}&to=${to}`);
      fill(box, h('h3', {}, `Diff v${from} → v${to}`),
        h('pre', { class: 'code diff' }, diffLines(typeof text === 'string' ? text : JSON.stringify(text, null, 2))));
    } catch (err) {
      fill(box, h('p', { class: 'feedback error' }, 'Cannot show the diff: ' + err.message));
    }
  }

  return { render };
}

function renderConflicts(list, s) {
  const all = [...s.conflicts.values()];
  if (!all.length) { fill(list, h('li', { class: 'muted' }, 'No conflicting writes.')); return; }
  fill(list, ...all.map((c) => h('li', { class: 'conflict ' + c.status, 'data-conflict': c.conflictId },
    h('code', {}, c.key), ` ${c.author || '?'} wrote on v${c.baseVersion ?? '?'} while v${c.currentVersion ?? '?'} was current — `,
    c.status === 'resolved' ? h('b', {}, `resolved as v${c.resolvedVersion} by ${c.resolvedBy || '?'}`)
      : h('b', {}, 'waiting for the lead to merge'))));
}
