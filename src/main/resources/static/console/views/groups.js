// The list of consumer groups.
import { alertProblem, h, show } from '../dom.js';
import { renderGroupTable } from './overview.js';

export async function render(container) {
  const list = h('div', { id: 'group-table' }, h('p', {}, 'Loading groups…'));
  const name = h('input', { id: 'open-group', autocomplete: 'off', required: true });
  const open = h('form', { class: 'inline', id: 'open-group-form' },
    h('label', { for: 'open-group' }, 'Group', name), h('button', { type: 'submit' }, 'Open'));
  open.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/groups/${encodeURIComponent(name.value.trim())}`;
  });
  container.append(h('h1', {}, 'Consumer groups'), open, list);
  try {
    await renderGroupTable(list);
  } catch (error) {
    show(list, h('p', { class: 'error' }, error.message));
    alertProblem(error);
  }
}
