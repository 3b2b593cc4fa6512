// One topic: its partitions (offsets, size, rate), its settings (viewed and edited as the API validates them),
// growing it and deleting it, each confirmed, and its records in and out per second.
import { call, seg } from '../api.js';
import { lineChart } from '../chart.js';
import { alertProblem, bytes, confirmDialog, h, number, refresh, show, table } from '../dom.js';
import { topicHeader } from './tabs.js';

const REFRESH_MS = 3000;

/** A setting typed in a field, as JSON would carry it: numbers as numbers, the rest as text. */
function typed(text) {
  return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim();
}

function partitionTable(description, previous, elapsedSeconds) {
  return table(`${description.partitions} partitions, ${description.replicationFactor} copies of each`,
    ['Partition', ['Start offset', true], ['End offset', true], ['Records', true], ['Size', true], ['In /s', true], ''],
    description.partitionInfo.map((p) => {
      const before = previous && previous.partitionInfo[p.partition];
      const rate = before && elapsedSeconds > 0 ? (p.endOffset - before.endOffset) / elapsedSeconds : null;
      return [String(p.partition), number(p.startOffset), number(p.endOffset), number(p.endOffset - p.startOffset),
        bytes(p.sizeBytes), number(rate, 1),
        h('a', { href: `#/topics/${seg(description.name)}/messages?partition=${p.partition}&from=earliest` },
          'Browse', h('span', { class: 'sr-only' }, ` partition ${p.partition}`))];
    }));
}

/** The settings form; `status` lies outside it, so that what a save says outlives the form it rebuilds. */
function configEditor(description, mayAlter, onSaved, status) {
  const fields = Object.entries(description.config).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => {
    const input = h('input', { id: `config-${key}`, value: String(value), 'data-key': key, disabled: !mayAlter,
      'aria-label': key });
    return { key, value, input };
  });
  const form = h('form', { id: 'config-form' },
    table('Settings in force (Kafka\'s names)', ['Setting', 'Value'],
      fields.map(({ key, input }) => [h('code', {}, key), input])),
    h('div', { class: 'controls' }, h('button', { type: 'submit', disabled: !mayAlter }, 'Save changed settings'),
      mayAlter ? null : h('span', { class: 'note' }, 'Changing settings needs ALTER_CONFIGS on the topic.')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alertProblem(null);
    const changed = Object.fromEntries(fields.filter(({ value, input }) => String(value) !== input.value)
      .map(({ key, input }) => [key, typed(input.value)]));
    if (!Object.keys(changed).length) {
      status.textContent = 'Nothing changed.';
      return;
    }
    try {
      await call(`/topics/${seg(description.name)}`, { method: 'PATCH', body: { config: changed } });
      status.textContent = `Saved: ${Object.keys(changed).join(', ')}.`;
      onSaved();
    } catch (error) {
      status.textContent = '';
      alertProblem(error);
    }
  });
  return form;
}

function actions(description, context, onChanged) {
  const ops = description.authorizedOperations;
  const count = h('input', { id: 'grow-partitions', type: 'number', min: description.partitions + 1,
    value: description.partitions + 1, disabled: !context.may(ops, 'ALTER') });
  const grow = h('form', { class: 'inline', id: 'grow-form' },
    h('label', { for: 'grow-partitions' }, 'New partition count', count),
    h('button', { type: 'submit', disabled: !context.may(ops, 'ALTER') }, 'Grow'));
  grow.addEventListener('submit', async (event) => {
    event.preventDefault();
    const partitions = Number(count.value);
    if (!await confirmDialog(`Grow ${description.name} to ${partitions} partitions? Keys may land on other `
      + 'partitions afterwards, and partitions can never be removed.', { action: 'Grow' })) {
      return;
    }
    try {
      await call(`/topics/${seg(description.name)}`, { method: 'PATCH', body: { partitions } });
      onChanged();
    } catch (error) {
      alertProblem(error);
    }
  });
  const remove = h('button', { type: 'button', class: 'danger', id: 'delete-topic', disabled: !context.may(ops, 'DELETE') },
    'Delete topic');
  remove.addEventListener('click', async () => {
    if (!await confirmDialog(`Delete ${description.name}, its records and every group's offsets for it?`,
      { action: 'Delete', typed: description.name })) {
      return;
    }
    try {
      await call(`/topics/${seg(description.name)}`, { method: 'DELETE' });
      location.hash = '#/topics';
    } catch (error) {
      alertProblem(error);
    }
  });
  return h('div', {}, grow, h('div', { class: 'controls' }, remove));
}

export async function render(container, params, context) {
  const topic = params.topic;
  topicHeader(container, topic, 'topic');
  const partitions = h('div', { id: 'partitions' }, 'Loading…');
  const charts = h('div', { class: 'cards' });
  const settings = h('div', { id: 'settings' });
  const settingsStatus = h('p', { role: 'status', id: 'config-status' });
  const manage = h('div', { id: 'manage' });
  container.append(
    h('section', { 'aria-labelledby': 'partitions-heading' }, h('h2', { id: 'partitions-heading' }, 'Partitions'), partitions),
    h('section', { 'aria-labelledby': 'rates-heading' }, h('h2', { id: 'rates-heading' }, 'Records per second'), charts),
    h('section', { 'aria-labelledby': 'settings-heading' }, h('h2', { id: 'settings-heading' }, 'Settings'), settings,
      settingsStatus),
    h('section', { 'aria-labelledby': 'manage-heading' }, h('h2', { id: 'manage-heading' }, 'Grow or delete'), manage));

  let previous = null;
  let previousAt = 0;
  let timer = null;
  let stopped = false;
  async function load(full) {
    try {
      const description = await call(`/topics/${seg(topic)}`);
      const now = performance.now();
      refresh(partitions, partitionTable(description, previous, (now - previousAt) / 1000));
      previous = description;
      previousAt = now;
      if (full) {
        show(settings, configEditor(description, context.may(description.authorizedOperations, 'ALTER_CONFIGS'),
          () => load(true), settingsStatus));
        show(manage, actions(description, context, () => load(true)));
      }
    } catch (error) {
      alertProblem(error);
      if (error.status === 404) {
        stopped = true;
      }
    }
    if (!stopped) {
      clearTimeout(timer);
      timer = setTimeout(() => load(false), REFRESH_MS);
    }
  }
  const stopChart = lineChart(charts, topic, [
    { label: 'in', name: 'caudal.records.in', tags: { topic } },
    { label: 'out', name: 'caudal.records.out', tags: { topic } },
  ], { unit: '/s' });
  await load(true);
  return () => {
    stopped = true;
    clearTimeout(timer);
    stopChart();
  };
}
