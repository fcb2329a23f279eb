// The demo's page in cookie mode. The refresh token lives in an HttpOnly cookie this script
// cannot read; the access token lives in this module's memory only (never in localStorage),
// and a silent refresh renews it shortly before it expires. Every call to the auth routes
// carries the X-Authcore-CSRF header the server requires of cookie requests.
import { init, decodeHeader, hasScopes } from '/authcore/index.js';

const AUTH = '/api/v1/auth';
const CSRF = { 'X-Authcore-CSRF': '1' };
const $ = (id) => document.getElementById(id);
let access = null;
let timer = null;

function show(text, loggedIn) {
  $('status').textContent = text;
  $('login').hidden = loggedIn;
  $('session').hidden = !loggedIn;
}

async function adopt(response) {
  const body = await response.json();
  access = body.access_token;
  clearTimeout(timer);
  // Renew 30 seconds before expiry (at least after 5).
  timer = setTimeout(refresh, Math.max(5, body.expires_in - 30) * 1000);
  const alg = decodeHeader(access).alg;
  const grades = hasScopes(body.scope, 'grades:read');
  $('scopes').textContent = `token: ${alg}, scopes: ${body.scope || '(none)'}; grades:read ${grades ? 'granted' : 'not granted'}`;
  await me();
}

async function me() {
  const r = await fetch('/api/v1/me', { headers: { Authorization: `Bearer ${access}` } });
  if (!r.ok) return loggedOut(`session ended (${(await r.json()).code})`);
  const user = await r.json();
  $('me').textContent = JSON.stringify(user, null, 2);
  show(`logged in as ${user.email}`, true);
}

function loggedOut(text) {
  access = null;
  clearTimeout(timer);
  $('me').textContent = '';
  show(text, false);
}

async function refresh() {
  const r = await fetch(`${AUTH}/refresh`, { method: 'POST', headers: CSRF, credentials: 'same-origin' });
  if (r.ok) return adopt(r);
  loggedOut('please log in');
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new URLSearchParams({ username: $('username').value, password: $('password').value });
  const r = await fetch(`${AUTH}/tokens`, { method: 'POST', headers: CSRF, body: form });
  $('password').value = '';
  if (r.ok) return adopt(r);
  show(`login failed (${(await r.json()).code})`, false);
});
$('refresh').addEventListener('click', refresh);
$('logout').addEventListener('click', async () => {
  await fetch(`${AUTH}/logout`, { method: 'POST', headers: CSRF });
  loggedOut('logged out');
});
$('logout-all').addEventListener('click', async () => {
  await fetch(`${AUTH}/logout-all`, { method: 'POST', headers: { Authorization: `Bearer ${access}` } });
  await fetch(`${AUTH}/logout`, { method: 'POST', headers: CSRF }); // clears this tab's cookie
  loggedOut('logged out everywhere');
});

await init();
await refresh(); // a session from an earlier visit resumes through the cookie
