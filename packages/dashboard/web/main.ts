import { Api } from './api.js';
import { fill, h } from './dom.js';
import { State } from './state.js';
import { devicesView } from './views/devices.js';
import { eventsView } from './views/events.js';
import { fleetView } from './views/fleet.js';
import { nodeView } from './views/node.js';
import type { View } from './views/view.js';

const TOKEN_KEY = 'kedge.token';
const main = document.getElementById('main')!;
const status = document.getElementById('conn')!;

/**
 * `kedge up` prints `/dashboard/#token=…` (as Jupyter does): take the token, keep it for this tab
 * only (sessionStorage), and drop it from the address bar and history so it is not shared by a copy-paste.
 */
function takeToken(): string | null {
  const m = /^#token=([^&]*)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]!));
    history.replaceState(null, '', `${location.pathname}${location.search}#/fleet`);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

let state: State | undefined;
let view: View | undefined;

function signIn(reason: string): void {
  state?.close();
  state = undefined;
  view?.close?.();
  view = undefined;
  document.body.classList.add('signed-out');
  status.textContent = '';
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'token-help' });
  fill(main, h('section', { class: 'view signin', 'aria-labelledby': 'signin-h' },
    h('h1', { id: 'signin-h' }, 'Sign in to kedge'),
    h('p', { class: 'notice', role: 'alert' }, reason),
    h('form', { onSubmit: (e) => {
      e.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      start();
    } },
    h('label', { for: 'token' }, 'Access token'), input,
    h('p', { id: 'token-help', class: 'help' }, 'Open the dashboard link that kedge up prints, or paste the admin token from <data dir>/pki/admin.token. It is kept for this browser tab only.'),
    h('button', { type: 'submit' }, 'Sign in'))));
  input.focus();
}

function route(): void {
  if (!state) return;
  view?.close?.();
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, arg] = hash.split('/');
  view = name === 'node' && arg ? nodeView(state, decodeURIComponent(arg))
    : name === 'devices' ? devicesView(state)
    : name === 'events' ? eventsView(state)
    : fleetView(state);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    const current = a.getAttribute('href') === `#/${name || 'fleet'}` || (name === 'node' && a.getAttribute('href') === '#/fleet');
    if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.title = `${view.title} · kedge`;
  state.use(view.needs);
  fill(main, view.el);
  view.update();
  main.focus({ preventScroll: true });
}

function start(): void {
  const token = takeToken();
  if (!token) { signIn('This dashboard needs an access token.'); return; }
  document.body.classList.remove('signed-out');
  // A rejected token (any 401) brings the sign-in form back with a clear message.
  const api = new Api(token, () => {
    sessionStorage.removeItem(TOKEN_KEY);
    signIn('The access token was refused (401 Unauthorized). Paste a valid token.');
  });
  state = new State(api);
  state.onChange(() => {
    view?.update();
    const f = state?.fleet;
    status.textContent = f?.connected ? 'live' : 'connecting…';
    status.className = f?.connected ? 'live' : 'stale';
  });
  route();
}

window.addEventListener('hashchange', () => {
  if (/^#token=/.test(location.hash)) { state?.close(); state = undefined; start(); return; }
  route();
});
start();
