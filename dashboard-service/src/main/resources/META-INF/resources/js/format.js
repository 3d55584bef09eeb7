// Words and numbers as the page shows them. Pure: nothing here touches the page.

export function money(usd) {
  if (usd === null || usd === undefined || usd === '') return '—';
  const n = Number(usd);
  if (!Number.isFinite(n)) return '—';
  return '$' + (n < 0.01 && n > 0 ? n.toFixed(4) : n.toFixed(2));
}

export function tokens(n) {
  if (!n) return '0';
  return n >= 10000 ? (n / 1000).toFixed(1) + 'k' : String(n);
}

export function elapsed(fromIso, toIso) {
  if (!fromIso) return '—';
  const ms = (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + 's';
  const m = Math.floor(s / 60);
  if (m < 60) return m + 'm ' + (s % 60) + 's';
  return Math.floor(m / 60) + 'h ' + (m % 60) + 'm';
}

/** A status or a failure kind in words: 'awaiting-approval' reads 'awaiting approval'. */
export function label(status) {
  return (status || '').replace(/[_-]/g, ' ');
}

export function count(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The time of day of an ISO-8601 instant, in the reader's locale; '' when there is none. */
export function time(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleTimeString() : '';
}
