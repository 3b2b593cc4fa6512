// The message browser: pick partitions and where to start (earliest, latest, an offset or a date-time), page
// newer and older, filter what is loaded, and open a record. Every page is an address: partition, positions and
// filters are in the URL, so a page can be shared and the back button returns to the page before.
import { call, seg, settleAll } from '../api.js';
import { alertProblem, h, number, scrollRegion, show, timestamp } from '../dom.js';
import { keyText, recordDetails, recordFilter, valueText } from '../records.js';
import { topicHeader } from './tabs.js';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

/** The positions of a page, partition → first offset: "positions:0:12,1:40". */
function parsePositions(from) {
  return new Map(from.substring('positions:'.length).split(',').filter(Boolean).map((pair) => {
    const [partition, offset] = pair.split(':').map(Number);
    return [partition, offset];
  }));
}

function positionsParam(positions) {
  return `positions:${Array.from(positions, ([partition, offset]) => `${partition}:${offset}`).join(',')}`;
}

/** Each chosen partition's first offset of the page that `from` names. */
async function firstOffsets(topic, partitions, bounds, from, size) {
  if (from.startsWith('positions:')) {
    const positions = parsePositions(from);
    return new Map(partitions.map((p) => [p, positions.has(p) ? positions.get(p) : bounds[p].startOffset]));
  }
  if (from.startsWith('offset:')) {
    const offset = Number(from.substring('offset:'.length));
    return new Map(partitions.map((p) => [p, Math.min(Math.max(offset, bounds[p].startOffset), bounds[p].endOffset)]));
  }
  if (from.startsWith('time:')) {
    const epochMs = Date.parse(from.substring('time:'.length));
    if (Number.isNaN(epochMs)) {
      throw new Error(`'${from.substring(5)}' is not a date-time.`);
    }
    const found = await Promise.all(partitions.map((p) =>
      call(`/topics/${seg(topic)}/partitions/${p}/offsets?timestamp=${epochMs}`)));
    return new Map(partitions.map((p, index) => [p, found[index].offset]));
  }
  if (from === 'earliest') {
    return new Map(partitions.map((p) => [p, bounds[p].startOffset]));
  }
  return new Map(partitions.map((p) => [p, Math.max(bounds[p].startOffset, bounds[p].endOffset - size)]));
}

function controls(topic, description, params, size) {
  const partition = h('select', { id: 'browse-partition' },
    h('option', { value: 'all' }, 'All partitions'),
    description.partitionInfo.map((p) => h('option', { value: String(p.partition) }, `Partition ${p.partition}`)));
  partition.value = params.partition ?? 'all';
  const from = params.from || 'latest';
  const start = h('select', { id: 'browse-start' },
    h('option', { value: 'latest' }, 'Latest records'),
    h('option', { value: 'earliest' }, 'Earliest records'),
    h('option', { value: 'offset' }, 'From an offset'),
    h('option', { value: 'time' }, 'From a date-time'));
  start.value = from.startsWith('offset:') ? 'offset' : from.startsWith('time:') ? 'time'
    : from === 'earliest' ? 'earliest' : 'latest';
  const offset = h('input', { id: 'browse-offset', type: 'number', min: 0,
    value: from.startsWith('offset:') ? from.substring(7) : '' });
  const time = h('input', { id: 'browse-time', type: 'datetime-local', step: 1,
    value: from.startsWith('time:') ? from.substring(5).replace(/Z$/, '').substring(0, 19) : '' });
  const pageSize = h('input', { id: 'browse-size', type: 'number', min: 1, max: MAX_PAGE, value: size });
  const key = h('input', { id: 'filter-key', value: params.key || '', autocomplete: 'off' });
  const header = h('input', { id: 'filter-header', value: params.header || '', placeholder: 'name or name=value',
    autocomplete: 'off' });
  const text = h('input', { id: 'filter-text', value: params.text || '', autocomplete: 'off' });
  const path = h('input', { id: 'filter-path', value: params.path || '', placeholder: '$.amount=10', autocomplete: 'off' });
  const form = h('form', { id: 'browse-form' },
    h('div', { class: 'controls' },
      h('label', { for: 'browse-partition' }, 'Partition', partition),
      h('label', { for: 'browse-start' }, 'Start', start),
      h('label', { for: 'browse-offset' }, 'Offset', offset),
      h('label', { for: 'browse-time' }, 'Date-time (UTC)', time),
      h('label', { for: 'browse-size' }, 'Records per partition', pageSize)),
    h('fieldset', { class: 'controls' }, h('legend', {}, 'Show only records (on the loaded page)'),
      h('label', { for: 'filter-key' }, 'Key is', key),
      h('label', { for: 'filter-header' }, 'Header', header),
      h('label', { for: 'filter-text' }, 'Value contains', text),
      h('label', { for: 'filter-path' }, 'JSON path', path),
      h('button', { type: 'button', class: 'secondary', id: 'key-jump' }, 'Go to the key\'s partition')),
    h('div', { class: 'controls' }, h('button', { type: 'submit', id: 'browse-load' }, 'Show')));
  function address(overrides = {}) {
    const chosenFrom = start.value === 'offset' ? `offset:${offset.value || 0}`
      : start.value === 'time' ? `time:${time.value ? `${time.value}Z` : ''}` : start.value;
    const query = new URLSearchParams({ partition: partition.value, from: chosenFrom, size: pageSize.value,
      key: key.value, header: header.value, text: text.value, path: path.value, ...overrides });
    [...query.keys()].filter((name) => query.get(name) === '').forEach((name) => query.delete(name));
    return `#/topics/${seg(topic)}/messages?${query}`;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = address();
  });
  form.querySelector('#key-jump').addEventListener('click', async () => {
    if (!key.value) {
      alertProblem(new Error('Type a key first.'));
      return;
    }
    try {
      const answer = await call(`/topics/${seg(topic)}/partition-for?key=${encodeURIComponent(key.value)}`);
      location.hash = address({ partition: String(answer.partition), from: 'earliest' });
    } catch (error) {
      alertProblem(error);
    }
  });
  return { form, address };
}

export async function render(container, params, context) {
  const topic = params.topic;
  topicHeader(container, topic, 'messages');
  let description;
  try {
    description = await call(`/topics/${seg(topic)}`);
  } catch (error) {
    alertProblem(error);
    return undefined;
  }
  const size = Math.min(MAX_PAGE, Math.max(1, Number(params.size) || DEFAULT_PAGE));
  const { form, address } = controls(topic, description, params, size);
  const summary = h('p', { id: 'browse-summary', role: 'status' }, 'Loading…');
  const pager = h('div', { class: 'controls' });
  const results = h('div', { id: 'browse-results' });
  const details = h('div', {});
  container.append(form, summary, pager, results, details);

  const partitions = params.partition && params.partition !== 'all' ? [Number(params.partition)]
    : description.partitionInfo.map((p) => p.partition);
  if (partitions.some((p) => !description.partitionInfo[p])) {
    summary.textContent = `${topic} has no partition ${params.partition}.`;
    return undefined;
  }
  const bounds = description.partitionInfo;
  let first;
  try {
    first = await firstOffsets(topic, partitions, bounds, params.from || 'latest', size);
  } catch (error) {
    summary.textContent = '';
    alertProblem(error);
    return undefined;
  }
  // An older page ends where the page it came from began (`before`), so that it shows no record twice.
  const before = params.before ? parsePositions(params.before) : new Map();
  const limits = new Map(partitions.map((p) => [p, before.has(p) ? Math.min(size, before.get(p) - first.get(p)) : size]));
  const pages = await settleAll(partitions.map((p) => () => (limits.get(p) > 0
    ? call(`/topics/${seg(topic)}/partitions/${p}/records?offset=${first.get(p)}&maxRecords=${limits.get(p)}`)
    : Promise.resolve({ records: [], nextOffset: first.get(p) }))));
  const failed = pages.find((page) => page.error);
  if (failed) {
    alertProblem(failed.error);
  }
  const records = pages.flatMap((page) => (page.value ? page.value.records : []));
  records.sort((a, b) => (partitions.length === 1 ? a.offset - b.offset
    : (Number(a.timestamp) - Number(b.timestamp)) || (a.partition - b.partition) || (a.offset - b.offset)));
  const matches = recordFilter(params);
  const shown = records.filter(matches);

  const newer = new Map();
  const older = new Map();
  partitions.forEach((p, index) => {
    const page = pages[index].value;
    newer.set(p, page ? page.nextOffset : first.get(p));
    older.set(p, Math.max(bounds[p].startOffset, first.get(p) - size));
  });
  const hasNewer = partitions.some((p) => newer.get(p) < bounds[p].endOffset);
  const hasOlder = partitions.some((p) => first.get(p) > bounds[p].startOffset);
  show(pager,
    h('a', { href: hasOlder ? address({ from: positionsParam(older), before: positionsParam(first) }) : null,
      id: 'page-older',
      'aria-disabled': hasOlder ? null : 'true', class: hasOlder ? null : 'note' }, '← Older'),
    h('a', { href: hasNewer ? address({ from: positionsParam(newer) }) : null, id: 'page-newer',
      'aria-disabled': hasNewer ? null : 'true', class: hasNewer ? null : 'note' }, 'Newer →'));
  summary.textContent = `${number(shown.length)} of ${number(records.length)} records loaded`
    + ` (${partitions.map((p) => `partition ${p}: offsets ${first.get(p)}–${newer.get(p) - 1}`).join('; ')}).`;

  function open(record, row) {
    results.querySelectorAll('tr.selected').forEach((selected) => selected.classList.remove('selected'));
    row.classList.add('selected');
    show(details, recordDetails(topic, record));
    details.firstChild.focus();
  }
  const tbody = h('tbody', {});
  for (const record of shown) {
    const row = h('tr', {},
      h('td', { class: 'num' }, String(record.partition)),
      h('td', { class: 'num' }, String(record.offset)),
      h('td', {}, timestamp(record.timestamp)),
      h('td', { class: 'value' }, keyText(record)),
      h('td', { class: 'value' }, valueText(record).slice(0, 300)),
      h('td', {}, h('button', { type: 'button', class: 'secondary', 'aria-label': `Open partition ${record.partition} `
        + `offset ${record.offset}` }, 'Open')));
    row.querySelector('button').addEventListener('click', () => open(record, row));
    tbody.append(row);
  }
  show(results, shown.length ? scrollRegion(`Records of ${topic}`, h('table', { id: 'browse-table' },
    h('caption', { class: 'sr-only' }, `Records of ${topic}`),
    h('thead', {}, h('tr', {}, ['Partition', 'Offset', 'Time (UTC)', 'Key', 'Value', ''].map((name) =>
      h('th', { scope: 'col' }, name)))), tbody))
    : h('p', {}, records.length ? 'No loaded record matches the filter.' : 'No records here.'));
  return undefined;
}
