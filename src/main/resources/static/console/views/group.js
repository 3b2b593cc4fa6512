// One consumer group: members (transport, leader, generation, assignment, revoking partitions highlighted), the
// committed offset, end offset and lag of each partition with lag over time, resetting offsets and deleting the
// group when it is empty, and a member of the group that runs in this page, over a socket.
import { call, seg, socketUrl } from '../api.js';
import { lineChart } from '../chart.js';
import { alertProblem, confirmDialog, h, number, refresh, show, table } from '../dom.js';

const REFRESH_MS = 2000;

const partitionsText = (list) => (list && list.length ? list.map((tp) => `${tp.topic}-${tp.partition}`).join(', ') : '—');

function membersTable(group) {
  return table(`${group.members.length} members, generation ${group.generation}`,
    ['Member', 'Transport', 'Assigned', 'Revoking'],
    group.members.map((member) => [
      h('span', {}, h('code', {}, member.memberId), ' ',
        member.memberId === group.leader ? h('span', { class: 'badge leader' }, 'leader') : null),
      member.transport === 'websocket' ? 'WebSocket' : 'HTTP',
      partitionsText(member.assignment),
      member.revoking && member.revoking.length
        ? h('span', { class: 'badge revoking' }, partitionsText(member.revoking)) : '—']),
    { rowAttributes: (index) => ({ class: group.members[index].revoking && group.members[index].revoking.length
      ? 'revoking' : null }) });
}

function offsetsTable(group) {
  return table('Committed offsets and lag', ['Topic', ['Partition', true], ['Committed', true], ['End', true], ['Lag', true]],
    group.offsets.map((offset) => [
      h('a', { href: `#/topics/${seg(offset.topic)}` }, offset.topic), String(offset.partition),
      number(offset.committedOffset), number(offset.endOffset), number(offset.lag)]));
}

function resetForm(name, group, context, onDone) {
  const topics = [...new Set(group.offsets.map((offset) => offset.topic))];
  const allowed = context.may(group.authorizedOperations, 'ALTER') || context.may(group.authorizedOperations, 'READ');
  const empty = group.state === 'EMPTY';
  const topic = h('select', { id: 'reset-topic' }, topics.map((t) => h('option', { value: t }, t)));
  const to = h('select', { id: 'reset-to' }, h('option', { value: 'earliest' }, 'Earliest'),
    h('option', { value: 'latest' }, 'Latest'), h('option', { value: 'offset' }, 'An offset'),
    h('option', { value: 'timestamp' }, 'A date-time'));
  const offset = h('input', { id: 'reset-offset', type: 'number', min: 0 });
  const time = h('input', { id: 'reset-time', type: 'datetime-local', step: 1 });
  const disabled = !empty || !allowed || !topics.length;
  const form = h('form', { class: 'inline', id: 'reset-form' },
    h('label', { for: 'reset-topic' }, 'Topic', topic),
    h('label', { for: 'reset-to' }, 'To', to),
    h('label', { for: 'reset-offset' }, 'Offset', offset),
    h('label', { for: 'reset-time' }, 'Date-time (UTC)', time),
    h('button', { type: 'submit', disabled }, 'Reset offsets'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const target = to.value === 'offset' ? `offset:${offset.value || 0}`
      : to.value === 'timestamp' ? `timestamp:${Date.parse(`${time.value}Z`)}` : to.value;
    if (!await confirmDialog(`Reset ${name}'s offsets of ${topic.value} (every partition) to ${target}?`,
      { action: 'Reset' })) {
      return;
    }
    try {
      await call(`/groups/${seg(name)}/offsets/reset`, { method: 'POST', body: { topic: topic.value, to: target } });
      onDone();
    } catch (error) {
      alertProblem(error);
    }
  });
  const remove = h('button', { type: 'button', class: 'danger', id: 'delete-group',
    disabled: !empty || !context.may(group.authorizedOperations, 'DELETE') }, 'Delete group');
  remove.addEventListener('click', async () => {
    if (!await confirmDialog(`Delete ${name} and its committed offsets?`, { action: 'Delete', typed: name })) {
      return;
    }
    try {
      await call(`/groups/${seg(name)}`, { method: 'DELETE' });
      location.hash = '#/groups';
    } catch (error) {
      alertProblem(error);
    }
  });
  return h('div', {}, form, h('div', { class: 'controls' }, remove),
    empty ? null : h('p', { class: 'note' }, 'Offsets can be reset, and the group deleted, only while it has no members.'));
}

/** A member of the group that lives in this page: a socket, auto-committing what it was sent. */
function pageMember(name, suggestedTopics) {
  const topics = h('input', { id: 'member-topics', value: suggestedTopics.join(','), autocomplete: 'off',
    'aria-describedby': 'member-help' });
  const join = h('button', { type: 'button', id: 'member-join' }, 'Join as a member');
  const leave = h('button', { type: 'button', id: 'member-leave', class: 'secondary', disabled: true }, 'Leave');
  const status = h('p', { id: 'member-status', role: 'status' }, 'Not a member.');
  let socket = null;
  let received = 0;
  function stop() {
    if (socket) {
      const closing = socket;
      socket = null;
      closing.close(1000, 'left');
    }
    join.disabled = false;
    leave.disabled = true;
  }
  join.addEventListener('click', async () => {
    if (!await confirmDialog(`Join ${name} from this page? Until you leave, the page takes partitions from the `
      + 'group\'s other members; it commits nothing, so they read again what the page was sent.', { action: 'Join' })) {
      return;
    }
    stop();
    received = 0;
    const list = topics.value.split(',').map((t) => t.trim()).filter(Boolean);
    const current = new WebSocket(socketUrl(`/ws/groups/${seg(name)}?topics=${list.map(encodeURIComponent).join(',')}`
      + '&autoOffsetReset=earliest&credit=500'));
    socket = current;
    join.disabled = true;
    leave.disabled = false;
    status.textContent = 'Joining…';
    let memberId = '';
    let assigned = '—';
    const describe = () => { status.textContent = `Member ${memberId}: assigned ${assigned}; ${number(received)} records received.`; };
    current.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'joined') {
        memberId = message.memberId;
      } else if (message.type === 'assignment') {
        assigned = partitionsText(message.partitions);
        current.send(JSON.stringify({ type: 'ack', generation: message.generation }));
      } else if (message.type === 'records') {
        received += message.records.length;
        current.send(JSON.stringify({ type: 'credit', records: message.records.length }));
      } else if (message.type === 'error') {
        alertProblem({ status: 0, message: `${message.code}: ${message.message}` });
      }
      describe();
    };
    current.onclose = (event) => {
      if (socket === current) {
        socket = null;
        join.disabled = false;
        leave.disabled = true;
        status.textContent = `Left (${event.code}${event.reason ? `: ${event.reason}` : ''}).`;
      }
    };
  });
  leave.addEventListener('click', () => {
    stop();
    status.textContent = 'Left the group.';
  });
  return {
    element: h('section', { 'aria-labelledby': 'member-heading' }, h('h2', { id: 'member-heading' }, 'Consume in this page'),
      h('div', { class: 'controls' }, h('label', { for: 'member-topics' }, 'Topics', topics), join, leave),
      h('p', { id: 'member-help', class: 'note' }, 'Comma-separated. This page joins over a WebSocket, starts from the '
        + 'committed offsets (the earliest record without a commit), and commits nothing.'),
      status),
    stop,
  };
}

export async function render(container, params, context) {
  const name = params.group;
  const summary = h('ul', { class: 'stats', id: 'group-summary' });
  const members = h('div', { id: 'group-members' });
  const offsets = h('div', { id: 'group-offsets' });
  const charts = h('div', { class: 'cards' });
  const manage = h('div', { id: 'group-manage' });
  const member = pageMember(name, []);
  container.append(
    h('p', { class: 'note' }, h('a', { href: '#/groups' }, 'Consumer groups'), ' / '),
    h('h1', {}, name), summary,
    h('section', { 'aria-labelledby': 'members-heading' }, h('h2', { id: 'members-heading' }, 'Members'), members),
    h('section', { 'aria-labelledby': 'offsets-heading' }, h('h2', { id: 'offsets-heading' }, 'Offsets and lag'), offsets),
    h('section', { 'aria-labelledby': 'lag-heading' }, h('h2', { id: 'lag-heading' }, 'Lag over time'), charts),
    h('section', { 'aria-labelledby': 'manage-heading' }, h('h2', { id: 'manage-heading' }, 'Reset or delete'), manage),
    member.element);
  const stopChart = lineChart(charts, `Lag of ${name}`, [{ label: 'lag', name: 'caudal.group.lag', tags: { group: name } }]);
  let timer = null;
  let stopped = false;
  let lastState = null;
  let topicsFilled = false;
  async function load() {
    try {
      const group = await call(`/groups/${seg(name)}`);
      show(summary,
        h('li', {}, 'State ', h('b', { id: 'group-state' }, group.state)),
        h('li', {}, 'Generation ', h('b', {}, String(group.generation))),
        h('li', {}, 'Assignor ', h('b', {}, group.assignor || '—')),
        h('li', {}, 'Leader ', h('b', {}, group.leader || '—')));
      refresh(members, group.members.length ? membersTable(group) : h('p', {}, 'No members.'));
      refresh(offsets, group.offsets.length ? offsetsTable(group) : h('p', {}, 'No offsets.'));
      const state = `${group.state}:${group.offsets.map((o) => o.topic).join(',')}`;
      if (state !== lastState) {
        lastState = state;
        show(manage, resetForm(name, group, context, load));
      }
      if (!topicsFilled) {
        topicsFilled = true;
        const input = container.querySelector('#member-topics');
        if (!input.value) {
          input.value = [...new Set(group.offsets.map((offset) => offset.topic))].join(',');
        }
      }
    } catch (error) {
      if (error.code === 'GROUP_NOT_FOUND') {
        show(summary, h('li', {}, 'No such group yet: it begins when a member joins or offsets are committed.'));
        show(members);
        show(offsets);
        show(manage);
        lastState = null;
      } else {
        alertProblem(error);
      }
    }
    if (!stopped) {
      clearTimeout(timer);
      timer = setTimeout(load, REFRESH_MS);
    }
  }
  await load();
  return () => {
    stopped = true;
    clearTimeout(timer);
    stopChart();
    member.stop();
  };
}
