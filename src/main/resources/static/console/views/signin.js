// Signing in: the key or token is sent once, as a bearer, to POST /session; from then on the session cookie is the
// page's identity for REST calls, sockets and event streams alike.
import { call } from '../api.js';
import { alertProblem, h } from '../dom.js';

export function render(container, params, context) {
  const secret = h('input', { id: 'signin-secret', type: 'password', autocomplete: 'off', required: true,
    'aria-describedby': 'signin-help' });
  const status = h('p', { id: 'signin-status', role: 'status' });
  const form = h('form', { class: 'inline', id: 'signin-form' },
    h('label', { for: 'signin-secret' }, 'API key or token', secret),
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alertProblem(null);
    status.textContent = 'Signing in…';
    try {
      await call('/session', { method: 'POST', headers: { Authorization: `Bearer ${secret.value.trim()}` } });
      secret.value = '';
      status.textContent = 'Signed in.';
      location.hash = params.next && params.next.startsWith('#/') && !params.next.startsWith('#/signin') ? params.next : '#/';
      await context.refresh();
    } catch (error) {
      status.textContent = '';
      alertProblem(error);
    }
  });
  container.append(
    h('h1', {}, 'Sign in'),
    h('p', { id: 'signin-help', class: 'note' }, 'Security is on: sign in with an API key (cdl_…) or a token from '
      + 'your identity provider. It is sent once; the browser then keeps a session cookie, which it cannot be read '
      + 'from by scripts.'),
    form, status);
  secret.focus();
}
