// The console's entry: who the page acts as, and which view the address (#/…) shows. Every address is a deep
// link; the back button walks the views as the user saw them.
import { call, onUnauthenticated } from './api.js';
import { alertProblem, h, show } from './dom.js';

const views = {
  overview: () => import('./views/overview.js'),
  topics: () => import('./views/topics.js'),
  topic: () => import('./views/topic.js'),
  messages: () => import('./views/messages.js'),
  produce: () => import('./views/produce.js'),
  live: () => import('./views/live.js'),
  groups: () => import('./views/groups.js'),
  group: () => import('./views/group.js'),
  signin: () => import('./views/signin.js'),
};

/** What the page knows of its caller: GET /session, or null before it answered. */
const context = {
  session: null,
  /** Whether an authorizedOperations list allows an operation. */
  may(operations, operation) {
    return !operations || operations.includes(operation) || operations.includes('ALL');
  },
  /** Reloads the session and the view, after signing in or out. */
  async refresh() {
    await loadSession();
    route();
  },
};

/** The view and its parameters for an address: #/topics/orders/messages?partition=0 */
function parseRoute(hash) {
  const text = hash.replace(/^#\/?/, '');
  const [path, query = ''] = text.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(query));
  if (parts.length === 0) {
    return { view: 'overview', params };
  }
  if (parts[0] === 'signin') {
    return { view: 'signin', params };
  }
  if (parts[0] === 'topics') {
    if (parts.length === 1) {
      return { view: 'topics', params };
    }
    const tab = parts[2] || 'topic';
    return { view: ['messages', 'produce', 'live'].includes(tab) ? tab : 'topic', params: { ...params, topic: parts[1] } };
  }
  if (parts[0] === 'groups') {
    return parts.length === 1 ? { view: 'groups', params } : { view: 'group', params: { ...params, group: parts[1] } };
  }
  return { view: 'overview', params };
}

let cleanup = null;
let routing = 0;

async function route() {
  const current = ++routing;
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  alertProblem(null);
  const { view, params } = parseRoute(location.hash);
  document.querySelectorAll('[data-nav]').forEach((link) => {
    const section = view === 'overview' ? 'overview' : ['groups', 'group'].includes(view) ? 'groups' : 'topics';
    if (link.dataset.nav === section && view !== 'signin') {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  });
  const container = document.getElementById('view');
  // Each view renders into an element of its own: one that is left while it still loads keeps writing into its
  // element, which is no longer on the page, and is stopped as soon as it is done.
  const page = h('div');
  try {
    const module = await views[view]();
    if (current !== routing) {
      return;
    }
    show(container, page);
    const stop = (await module.render(page, params, context)) || null;
    if (current === routing) {
      cleanup = stop;
    } else if (stop) {
      stop();
    }
  } catch (error) {
    if (current === routing) {
      show(container, h('h1', {}, 'Something went wrong'));
      alertProblem(error);
    }
  }
  if (current === routing && document.activeElement === document.body) {
    container.focus({ preventScroll: true });
  }
}

async function loadSession() {
  const identity = document.getElementById('identity');
  const signOut = document.getElementById('sign-out');
  try {
    context.session = await call('/session');
    identity.textContent = context.session.securityEnabled
      ? `Signed in as ${context.session.principal}`
      : 'Security is off: every caller is trusted';
    signOut.hidden = !context.session.securityEnabled;
  } catch (error) {
    context.session = null;
    identity.textContent = 'Not signed in';
    signOut.hidden = true;
  }
}

document.getElementById('sign-out').addEventListener('click', async () => {
  try {
    await call('/session', { method: 'DELETE' });
  } catch (error) {
    alertProblem(error);
  }
  location.hash = '#/signin';
  await context.refresh();
});

onUnauthenticated(() => {
  if (!location.hash.startsWith('#/signin')) {
    location.hash = `#/signin?next=${encodeURIComponent(location.hash || '#/')}`;
  }
});

// The skip link moves focus to the view without changing the address, which names the view.
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('view').focus();
});

window.addEventListener('hashchange', route);
loadSession().then(route);
