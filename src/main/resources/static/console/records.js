// How one record is shown, in the message browser and the live tail alike: a row, and the details of one.
import { call, seg } from './api.js';
import { base64Hex, h, scrollRegion, timestamp } from './dom.js';

/** The key as text: the string, "(no key)", or its bytes marked as base64. */
export function keyText(record) {
  if ('keyBytes' in record && record.keyBytes !== undefined) {
    return `base64:${record.keyBytes}`;
  }
  return record.key === null || record.key === undefined ? '(no key)' : record.key;
}

/** The value in one line: compact JSON, or its bytes marked as base64. */
export function valueText(record) {
  if ('valueBytes' in record && record.valueBytes !== undefined) {
    return `base64:${record.valueBytes}`;
  }
  return JSON.stringify(record.value);
}

/** Headers, UTF-8 ones as text and others as base64, in one object for filters and copies. */
function headerEntries(record) {
  return [...Object.entries(record.headers || {}).map(([name, value]) => [name, value, false]),
    ...Object.entries(record.headerBytes || {}).map(([name, value]) => [name, value, true])];
}

/** Reads a path such as $.order.items[0].id in a value; undefined where it leads nowhere. */
function readPath(value, path) {
  const steps = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) || [];
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = current[step.startsWith('[') ? Number(step.slice(1, -1)) : step];
  }
  return current;
}

/**
 * A filter from the form's fields: key (exact), header (name, or name=value), text (within the value's JSON text),
 * path ($.a.b, or $.a.b=value comparing the JSON text of what is there). Empty fields match everything.
 */
export function recordFilter({ key = '', header = '', text = '', path = '' }) {
  const [headerName, headerValue] = header.includes('=') ? header.split(/=(.*)/s) : [header, null];
  const [pathExpression, pathValue] = path.includes('=') ? path.split(/=(.*)/s) : [path, null];
  return (record) => {
    if (key && keyText(record) !== key) {
      return false;
    }
    if (headerName && !headerEntries(record).some(([name, value]) => name === headerName
      && (headerValue === null || value === headerValue))) {
      return false;
    }
    if (text && !valueText(record).includes(text)) {
      return false;
    }
    if (pathExpression) {
      if (!('value' in record)) {
        return false;
      }
      const found = readPath(record.value, pathExpression.trim());
      if (found === undefined) {
        return false;
      }
      if (pathValue !== null) {
        const wanted = pathValue.trim();
        return JSON.stringify(found) === wanted || (typeof found === 'string' && found === wanted);
      }
    }
    return true;
  };
}

/** The record as the API gave it, for copying. */
function recordJson(record) {
  return JSON.stringify(record, null, 2);
}

/** Copies text to the clipboard; where the browser refuses, selects it in a field for Ctrl+C. */
async function copy(text, status) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = 'Copied as JSON.';
  } catch {
    const field = h('textarea', { rows: 6, 'aria-label': 'The record as JSON', readonly: true }, text);
    status.replaceChildren('The browser did not allow copying; select the text below and copy it.', field);
    field.select();
  }
}

/**
 * The details of one record: value pretty-printed or its bytes, headers, copy, and the partition its key goes to
 * today (where its later records are, whatever partition this one was given).
 */
export function recordDetails(topic, record) {
  const status = h('p', { role: 'status', class: 'note' });
  let valueView;
  if ('valueBytes' in record && record.valueBytes !== undefined) {
    const shown = h('pre', { id: 'record-value' }, base64Hex(record.valueBytes));
    const mode = h('select', { id: 'bytes-mode' }, h('option', { value: 'hex' }, 'hex'),
      h('option', { value: 'base64' }, 'base64'));
    mode.addEventListener('change', () => {
      shown.textContent = mode.value === 'hex' ? base64Hex(record.valueBytes) : record.valueBytes;
    });
    valueView = [h('label', { for: 'bytes-mode' }, 'Bytes as', mode), shown];
  } else {
    valueView = [h('pre', { id: 'record-value' }, JSON.stringify(record.value, null, 2))];
  }
  const headers = headerEntries(record);
  const keyLink = record.key !== null && record.key !== undefined && !('keyBytes' in record)
    ? h('button', { type: 'button', class: 'secondary', id: 'key-partition', onclick: async () => {
      try {
        const answer = await call(`/topics/${seg(topic)}/partition-for?key=${encodeURIComponent(record.key)}`);
        location.hash = `#/topics/${seg(topic)}/messages?partition=${answer.partition}&from=earliest`
          + `&key=${encodeURIComponent(record.key)}`;
      } catch (error) {
        status.textContent = error.message;
      }
    } }, 'Go to this key\'s partition') : null;
  return h('section', { class: 'detail', id: 'record-details', 'aria-labelledby': 'record-heading', tabindex: '-1' },
    h('h2', { id: 'record-heading' }, `Partition ${record.partition}, offset ${record.offset}`),
    h('ul', { class: 'stats' },
      h('li', {}, 'Time ', h('b', {}, timestamp(record.timestamp))),
      h('li', {}, 'Key ', h('b', {}, keyText(record)))),
    ...valueView,
    headers.length ? scrollRegion('Headers', h('table', {}, h('caption', { class: 'note' }, 'Headers'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Value'))),
      h('tbody', {}, headers.map(([name, value, binary]) => h('tr', {}, h('td', {}, name),
        h('td', { class: 'value' }, binary ? `base64:${value} (hex ${base64Hex(value)})` : value))))))
      : h('p', { class: 'note' }, 'No headers.'),
    h('div', { class: 'controls' },
      h('button', { type: 'button', id: 'copy-record', onclick: () => copy(recordJson(record), status) }, 'Copy as JSON'),
      keyLink),
    status);
}
