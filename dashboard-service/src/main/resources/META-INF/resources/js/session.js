// Signing the page in and out. The token a person pastes (or brings in a #login= link) goes to POST /api/session
// once, which keeps it in an HttpOnly cookie: after that no script holds it, and it is never put in a URL, in
// storage or on the console. What the page keeps, in memory only, is who is signed in and the CSRF value.
import { api, useCsrf, whenSignedOut } from './api.js';

const $ = (id) => document.getElementById(id);
const LINK = /^#login=(.+)$/;
const RANKED = ['admin', 'operator', 'viewer'];

let hooks = { signedIn: () => {}, signedOut: () => {} };
let session = null;

/** The signed-in session ({subject, roles, expiresAt}), or null. */
export function current() {
  return session;
}

/** The most a session's roles allow: admin, operator, viewer, or null when none of them. */
export function role(s = session) {
  return s ? RANKED.find((r) => (s.roles || []).includes(r)) || null : null;
}

/**
 * Starts the page: signs in with a #login= link if the address holds one, else resumes the session the cookie
 * holds, else shows the sign-in form. signedIn runs when the page may load data (again, after a change of person);
 * signedOut when the session ends, so the page stops its streams and forgets what it showed.
 */
export async function begin(signedIn, signedOut) {
  hooks = { signedIn, signedOut };
  // Without a session (a first visit), a 401 just means: sign in.
  whenSignedOut((reason) => (session ? end('Your session has ended: ' + reason) : showLogin('', '')));
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('login-token');
    const token = input.value.trim();
    input.value = '';
    if (!token) {
      say('Paste a token first.', 'error');
      input.focus();
      return;
    }
    signIn(token);
  });
  $('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => { if (LINK.test(location.hash)) signIn(takeLink()); });
  if (LINK.test(location.hash)) {
    await signIn(takeLink());
    return;
  }
  try {
    signedInAs(await api('GET', '/api/session'));
  } catch (err) {
    // a 401 has shown the form already (whenSignedOut); anything else is said on it
    if (err.status !== 401) showLogin(err.message, 'error');
  }
}

// The fragment never reaches the server or its logs; it leaves the address (and this history entry) at once.
function takeLink() {
  const token = decodeURIComponent(location.hash.match(LINK)[1]);
  history.replaceState(history.state, '', location.pathname + location.search);
  return token;
}

async function signIn(token) {
  showLogin('Signing in…', 'busy');
  $('login-submit').disabled = true;
  try {
    signedInAs(await api('POST', '/api/session', { token }));
  } catch (err) {
    showLogin('Not signed in: ' + err.message, 'error');
  } finally {
    $('login-submit').disabled = false;
  }
}

async function signOut() {
  const button = $('sign-out');
  button.disabled = true;
  try {
    await api('DELETE', '/api/session');
    end('Signed out.');
  } catch (err) {
    if (err.status !== 401) end('Signed out here, but the dashboard said: ' + err.message);
  } finally {
    button.disabled = false;
  }
}

function signedInAs(s) {
  const before = session;
  session = { subject: s.subject, roles: s.roles || [], expiresAt: s.expiresAt };
  useCsrf(s.csrf);
  $('login').hidden = true;
  $('who').hidden = false;
  $('who-name').textContent = s.subject;
  const r = role();
  $('who-role').textContent = r || 'no role';
  $('who-role').className = 'role role-' + (r || 'none');
  $('who').title = 'Roles: ' + (session.roles.join(', ') || 'none') + '. Signed in until '
    + new Date(s.expiresAt).toLocaleString() + '.';
  document.body.dataset.role = r || 'none';
  if (before) hooks.signedOut();
  hooks.signedIn(session);
}

function end(message) {
  const was = session !== null;
  session = null;
  useCsrf(null);
  delete document.body.dataset.role;
  $('who').hidden = true;
  if (was) hooks.signedOut();
  showLogin(message, message === 'Signed out.' ? 'ok' : 'error');
}

function showLogin(message, kind) {
  $('login').hidden = false;
  say(message || '', kind);
  if (kind !== 'busy') $('login-token').focus();
}

function say(text, kind) {
  const el = $('login-feedback');
  el.textContent = text;
  el.className = 'feedback ' + (kind || '');
}
