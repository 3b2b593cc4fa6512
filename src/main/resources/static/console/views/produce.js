// The produce form: key, headers, a value as JSON (checked as it is typed), text or bytes, and a partition
// override. The answer shows where the record went, with a link to it.
import { call, seg } from '../api.js';
import { alertProblem, h } from '../dom.js';
import { topicHeader } from './tabs.js';

function headerRow(list) {
  const name = h('input', { 'aria-label': 'Header name', class: 'header-name', autocomplete: 'off' });
  const value = h('input', { 'aria-label': 'Header value', class: 'header-value', autocomplete: 'off' });
  const row = h('div', { class: 'controls header-row' }, name, value,
    h('button', { type: 'button', class: 'secondary', onclick: () => row.remove() }, 'Remove header'));
  list.append(row);
  name.focus();
}

/** The record the form describes; throws an Error naming the field that is wrong. */
function recordOf(fields) {
  const record = {};
  const key = fields.key.value;
  if (key !== '') {
    record.key = key;
  } else {
    record.key = null;
  }
  const headers = {};
  fields.headers.querySelectorAll('.header-row').forEach((row) => {
    const name = row.querySelector('.header-name').value;
    if (name) {
      headers[name] = row.querySelector('.header-value').value;
    }
  });
  if (Object.keys(headers).length) {
    record.headers = headers;
  }
  const text = fields.value.value;
  if (fields.mode.value === 'json') {
    try {
      record.value = JSON.parse(text);
    } catch (error) {
      throw new Error(`The value is not JSON: ${error.message}`);
    }
  } else if (fields.mode.value === 'text') {
    record.value = text;
  } else {
    const compact = text.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
      throw new Error('The value is not base64 (A–Z, a–z, 0–9, + and /, padded with = to a multiple of 4).');
    }
    record.valueBytes = compact;
  }
  if (fields.partition.value !== 'auto') {
    record.partition = Number(fields.partition.value);
  }
  return record;
}

export async function render(container, params, context) {
  const topic = params.topic;
  topicHeader(container, topic, 'produce');
  let description;
  try {
    description = await call(`/topics/${seg(topic)}`);
  } catch (error) {
    alertProblem(error);
    return;
  }
  const fields = {
    key: h('input', { id: 'produce-key', autocomplete: 'off', placeholder: 'no key' }),
    mode: h('select', { id: 'produce-mode' }, h('option', { value: 'json' }, 'JSON'),
      h('option', { value: 'text' }, 'Text (sent as a JSON string)'), h('option', { value: 'bytes' }, 'Bytes (base64)')),
    value: h('textarea', { id: 'produce-value', rows: 8, 'aria-describedby': 'produce-check', spellcheck: 'false' },
      '{\n  "amount": 10\n}'),
    partition: h('select', { id: 'produce-partition' }, h('option', { value: 'auto' }, 'By key (murmur2), or spread'),
      description.partitionInfo.map((p) => h('option', { value: String(p.partition) }, `Partition ${p.partition}`))),
    headers: h('div', { id: 'produce-headers' }),
  };
  const check = h('p', { id: 'produce-check', class: 'note', 'aria-live': 'polite' });
  const answer = h('p', { id: 'produce-answer', role: 'status' });
  const mayWrite = context.may(description.authorizedOperations, 'WRITE');
  const submit = h('button', { type: 'submit', disabled: !mayWrite }, 'Produce');
  function validate() {
    try {
      recordOf(fields);
      check.textContent = fields.mode.value === 'json' ? 'Valid JSON.' : '';
      check.className = 'note';
      return true;
    } catch (error) {
      check.textContent = error.message;
      check.className = 'error';
      return false;
    }
  }
  fields.value.addEventListener('input', validate);
  fields.mode.addEventListener('change', validate);
  const form = h('form', { id: 'produce-form' },
    h('div', { class: 'controls' },
      h('label', { for: 'produce-key' }, 'Key', fields.key),
      h('label', { for: 'produce-partition' }, 'Partition', fields.partition),
      h('label', { for: 'produce-mode' }, 'Value as', fields.mode)),
    h('label', { for: 'produce-value' }, 'Value', fields.value),
    check,
    h('fieldset', {}, h('legend', {}, 'Headers'), fields.headers,
      h('button', { type: 'button', class: 'secondary', id: 'add-header', onclick: () => headerRow(fields.headers) },
        'Add a header')),
    h('div', { class: 'controls' }, submit,
      mayWrite ? null : h('span', { class: 'note' }, 'Producing needs WRITE on the topic.')),
    answer);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alertProblem(null);
    if (!validate()) {
      fields.value.focus();
      return;
    }
    try {
      const result = await call(`/topics/${seg(topic)}/records`, { method: 'POST', body: { records: [recordOf(fields)] } });
      const { partition, offset } = result.offsets[0];
      answer.replaceChildren(`Stored in partition ${partition} at offset ${offset}. `,
        h('a', { href: `#/topics/${seg(topic)}/messages?partition=${partition}&from=offset:${offset}` }, 'Show it'));
    } catch (error) {
      answer.textContent = '';
      alertProblem(error);
    }
  });
  container.append(form);
  validate();
}
