// The overview: topics, groups, this node's health, and records in and out per second.
import { call, seg, settleAll } from '../api.js';
import { lineChart } from '../chart.js';
import { alertProblem, bytes, h, number, show, table } from '../dom.js';
import { renderTopicTable } from './topics.js';

/** Fills the container with the group table (state, members, total lag). */
export async function renderGroupTable(container) {
  const groups = await call('/groups');
  if (!groups.length) {
    show(container, h('p', {}, 'No consumer groups yet.'));
    return;
  }
  const details = await settleAll(groups.map((group) => () => call(`/groups/${seg(group.group)}`)));
  show(container, table(`${groups.length} consumer groups`,
    ['Group', 'State', ['Members', true], ['Total lag', true]],
    groups.map((group, index) => {
      const detail = details[index].value;
      const lags = detail ? detail.offsets.map((offset) => offset.lag).filter((lag) => lag !== null) : [];
      return [h('a', { href: `#/groups/${seg(group.group)}` }, group.group), group.state, number(group.members),
        lags.length ? number(lags.reduce((sum, lag) => sum + lag, 0)) : '—'];
    })));
}

async function renderHealth(container, context) {
  try {
    const health = await call('/actuator/health');
    const disk = health.components && health.components.diskSpace && health.components.diskSpace.details;
    const database = health.components && health.components.db;
    show(container, h('ul', { class: 'stats' },
      h('li', {}, 'Status ', h('b', { class: health.status === 'UP' ? 'ok' : 'error' }, health.status)),
      disk ? h('li', {}, 'Disk free ', h('b', {}, bytes(disk.free)), ` of ${bytes(disk.total)}`) : null,
      database ? h('li', {}, 'Database ', h('b', {}, database.status)) : null));
  } catch (error) {
    const forbidden = error.status === 403 || (context.session && context.session.securityEnabled
      && !context.may(context.session.authorizedOperations, 'DESCRIBE'));
    show(container, h('p', { class: 'note' }, forbidden
      ? 'This node\'s health details need DESCRIBE on the cluster.' : `Health unknown: ${error.message}`));
  }
}

export async function render(container, params, context) {
  const health = h('div', { id: 'node-health' }, 'Loading…');
  const charts = h('div', { class: 'cards', id: 'overview-charts' });
  const topics = h('div', { id: 'topic-table' }, h('p', {}, 'Loading topics…'));
  const groups = h('div', { id: 'group-table' }, h('p', {}, 'Loading groups…'));
  container.append(
    h('h1', {}, 'Overview'),
    h('section', { 'aria-labelledby': 'node-heading' }, h('h2', { id: 'node-heading' }, 'This node'), health),
    h('section', { 'aria-labelledby': 'rates-heading' }, h('h2', { id: 'rates-heading' }, 'Records per second'), charts),
    h('section', { 'aria-labelledby': 'topics-heading' }, h('h2', { id: 'topics-heading' }, 'Topics'), topics),
    h('section', { 'aria-labelledby': 'groups-heading' }, h('h2', { id: 'groups-heading' }, 'Consumer groups'), groups));
  const stop = lineChart(charts, 'All topics', [
    { label: 'in', name: 'caudal.records.in' },
    { label: 'out', name: 'caudal.records.out' },
  ], { unit: '/s' });
  await Promise.all([
    renderHealth(health, context),
    renderTopicTable(topics).catch((error) => { show(topics, h('p', { class: 'error' }, error.message)); alertProblem(error); }),
    renderGroupTable(groups).catch((error) => { show(groups, h('p', { class: 'error' }, error.message)); alertProblem(error); }),
  ]);
  return stop;
}
