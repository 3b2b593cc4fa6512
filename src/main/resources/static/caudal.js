// Caudal's page: pick a topic, produce a record, watch records arrive live over the topic's
// WebSocket tail, and look at a consumer group's members and assignments.
// Plain browser JavaScript: no build step, no dependencies. Record contents are shown with
// textContent only, never as HTML.
'use strict';

/** Records the server may send before the page grants more; each displayed record is granted back. */
const CREDIT = 100;
/** Rows kept in the records table; older ones are dropped so a busy topic cannot grow the page. */
const MAX_ROWS = 200;
/** How often the group view is refreshed while a group is shown, in ms. */
const GROUP_REFRESH_MS = 2000;

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- HTTP

/** The CSRF token a write made with the session cookie must echo, when the server set one. */
function csrfToken() {
  const cookie = document.cookie.split('; ').find((pair) => pair.startsWith('XSRF-TOKEN='));
  return cookie ? decodeURIComponent(cookie.substring('XSRF-TOKEN='.length)) : null;
}

/** GETs or POSTs JSON; a problem answer becomes an Error with its detail. */
async function request(path, options = {}) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const token = csrfToken();
  if (token && options.method && options.method !== 'GET') {
    headers['X-XSRF-TOKEN'] = token;
  }
  const response = await fetch(path, { ...options, headers });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) {
    throw new Error(body && body.detail ? `${body.code}: ${body.detail}` : `HTTP ${response.status}`);
  }
  return body;
}

function setStatus(id, text, isError = false) {
  const element = $(id);
  element.textContent = text;
  element.classList.toggle('error', isError);
}

// ---------------------------------------------------------------- Topics

async function loadTopics() {
  const select = $('topic');
  const current = select.value;
  try {
    const topics = await request('/topics');
    select.replaceChildren(...topics.map((topic) => {
      const option = document.createElement('option');
      option.value = topic.name;
      option.textContent = `${topic.name} (${topic.partitions} partitions)`;
      return option;
    }));
    if (topics.some((topic) => topic.name === current)) {
      select.value = current;
    }
    setStatus('topic-status', topics.length ? '' : 'No topics yet: create one with POST /topics.');
  } catch (error) {
    setStatus('topic-status', `Could not list topics: ${error.message}`, true);
  }
}

// ---------------------------------------------------------------- Produce

/** The value as typed when it is JSON, else the text as a JSON string. */
function parseValue(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function produce(event) {
  event.preventDefault();
  const topic = $('topic').value;
  if (!topic) {
    setStatus('produce-status', 'Pick a topic first.', true);
    return;
  }
  const key = $('key').value;
  const record = { key: key === '' ? null : key, value: parseValue($('value').value) };
  try {
    const answer = await request(`/topics/${encodeURIComponent(topic)}/records`, {
      method: 'POST',
      body: JSON.stringify({ records: [record] }),
    });
    const { partition, offset } = answer.offsets[0];
    setStatus('produce-status', `Stored in partition ${partition} at offset ${offset}.`);
  } catch (error) {
    setStatus('produce-status', `Not stored: ${error.message}`, true);
  }
}

// ---------------------------------------------------------------- Live tail

let socket = null;

function subscribe() {
  const topic = $('topic').value;
  if (!topic) {
    setStatus('tail-status', 'Pick a topic first.', true);
    return;
  }
  unsubscribe();
  $('records').replaceChildren();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const from = $('from').value;
  const url = `${scheme}://${location.host}/ws/topics/${encodeURIComponent(topic)}?from=${from}&credit=${CREDIT}`;
  const current = new WebSocket(url);
  socket = current;
  setStatus('tail-status', `Connecting to ${topic}…`);
  $('subscribe').disabled = true;
  $('unsubscribe').disabled = false;

  current.onopen = () => setStatus('tail-status', `Subscribed to ${topic}, from ${from}.`);
  current.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === 'records') {
      showRecords(message.records);
      // Grant back what was displayed, so the server may always send CREDIT more.
      current.send(JSON.stringify({ type: 'credit', records: message.records.length }));
    } else if (message.type === 'error') {
      setStatus('tail-status', `${message.code}: ${message.message}`, true);
    }
  };
  current.onclose = (event) => {
    if (socket === current) {
      socket = null;
      $('subscribe').disabled = false;
      $('unsubscribe').disabled = true;
      if (!$('tail-status').classList.contains('error')) {
        setStatus('tail-status', `Closed (${event.code}${event.reason ? `: ${event.reason}` : ''}).`,
          event.code !== 1000);
      }
    }
  };
}

function unsubscribe() {
  if (socket) {
    const closing = socket;
    socket = null;
    closing.close(1000, 'unsubscribed');
    setStatus('tail-status', 'Not subscribed.');
    $('subscribe').disabled = false;
    $('unsubscribe').disabled = true;
  }
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  return td;
}

/** A record's timestamp as ISO 8601, or the raw number when no Date can hold it (stored by any producer). */
function timestampText(timestamp) {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? String(timestamp) : date.toISOString();
}

function showRecords(records) {
  const rows = $('records');
  for (const record of records) {
    const key = 'keyBytes' in record ? `base64:${record.keyBytes}` : (record.key ?? '—');
    const value = 'valueBytes' in record ? `base64:${record.valueBytes}` : JSON.stringify(record.value);
    const row = document.createElement('tr');
    row.append(cell(record.partition), cell(record.offset), cell(timestampText(record.timestamp)),
      cell(key), cell(value, 'value'));
    rows.prepend(row);
  }
  while (rows.children.length > MAX_ROWS) {
    rows.lastElementChild.remove();
  }
}

// ---------------------------------------------------------------- Consumer group

let groupTimer = null;

async function loadGroups() {
  const select = $('group');
  const current = select.value;
  try {
    const groups = await request('/groups');
    const none = document.createElement('option');
    none.value = '';
    none.textContent = groups.length ? '(pick a group)' : '(no groups)';
    select.replaceChildren(none, ...groups.map((group) => {
      const option = document.createElement('option');
      option.value = group.group;
      option.textContent = `${group.group} (${group.state}, ${group.members} members)`;
      return option;
    }));
    select.value = groups.some((group) => group.group === current) ? current : '';
    setStatus('group-status', '');
  } catch (error) {
    setStatus('group-status', `Could not list groups: ${error.message}`, true);
  }
}

async function showGroup() {
  clearTimeout(groupTimer);
  const group = $('group').value;
  if (!group) {
    $('group-details').replaceChildren();
    return;
  }
  try {
    renderGroup(await request(`/groups/${encodeURIComponent(group)}`));
    setStatus('group-status', '');
  } catch (error) {
    setStatus('group-status', `Could not describe ${group}: ${error.message}`, true);
  }
  groupTimer = setTimeout(showGroup, GROUP_REFRESH_MS);
}

function partitions(list) {
  return list.map((tp) => `${tp.topic}-${tp.partition}`).join(', ') || '—';
}

function table(headers, rows) {
  const element = document.createElement('table');
  const head = document.createElement('tr');
  head.append(...headers.map((header) => {
    const th = document.createElement('th');
    th.textContent = header;
    return th;
  }));
  element.append(head, ...rows.map((values) => {
    const row = document.createElement('tr');
    row.append(...values.map((value) => cell(value)));
    return row;
  }));
  return element;
}

function renderGroup(group) {
  const summary = document.createElement('p');
  summary.textContent = `State ${group.state}, generation ${group.generation}, assignor ${group.assignor}, `
    + `leader ${group.leader ?? '—'}.`;
  const members = table(['member', 'transport', 'assigned', 'revoking'],
    group.members.map((member) => [
      member.memberId + (member.memberId === group.leader ? ' (leader)' : ''),
      member.transport, partitions(member.assignment), partitions(member.revoking)]));
  const offsets = table(['partition', 'committed', 'end', 'lag'],
    group.offsets.map((offset) => [`${offset.topic}-${offset.partition}`,
      offset.committedOffset ?? '—', offset.endOffset, offset.lag ?? '—']));
  $('group-details').replaceChildren(summary, members, offsets);
}

// ---------------------------------------------------------------- Identity

async function showIdentity() {
  try {
    const session = await request('/session');
    setStatus('identity', session.securityEnabled
      ? `Signed in as ${session.principal}.`
      : 'Security is off: every caller is trusted with everything (caudal.security.enabled=false).',
    !session.securityEnabled);
  } catch (error) {
    setStatus('identity', `Not signed in: ${error.message}`, true);
  }
}

// ---------------------------------------------------------------- Start

$('refresh-topics').addEventListener('click', loadTopics);
$('produce').addEventListener('submit', produce);
$('subscribe').addEventListener('click', subscribe);
$('unsubscribe').addEventListener('click', unsubscribe);
$('refresh-groups').addEventListener('click', loadGroups);
$('group').addEventListener('change', showGroup);
showIdentity();
loadTopics();
loadGroups();
