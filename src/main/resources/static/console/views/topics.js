// The topic list (with sizes, rates and retention) and the form that creates a topic.
import { call, seg, settleAll } from '../api.js';
import { alertProblem, bytes, duration, h, number, show, table } from '../dom.js';

/** Topics described in detail on one page; the rest are listed by name. */
const DESCRIBED = 100;

async function lastRate(name, topic) {
  const series = await call(`/metrics/series?name=${name}&tag=${encodeURIComponent(`topic:${topic}`)}`);
  return series.points.length ? series.points[series.points.length - 1][1] : 0;
}

/** Fills the container with the topic table; answers the topics listed. */
export async function renderTopicTable(container) {
  const topics = await call('/topics');
  if (!topics.length) {
    show(container, h('p', {}, 'No topics yet.'));
    return topics;
  }
  const shown = topics.slice(0, DESCRIBED);
  const details = await settleAll(shown.map((topic) => () => Promise.all([
    call(`/topics/${seg(topic.name)}`),
    lastRate('caudal.records.in', topic.name).catch(() => null),
    lastRate('caudal.records.out', topic.name).catch(() => null),
  ])));
  const rows = shown.map((topic, index) => {
    const answer = details[index];
    const [description, recordsIn, recordsOut] = answer.value || [null, null, null];
    const size = description ? description.partitionInfo.reduce((sum, p) => sum + p.sizeBytes, 0) : null;
    const records = description ? description.partitionInfo.reduce((sum, p) => sum + (p.endOffset - p.startOffset), 0) : null;
    return [
      h('a', { href: `#/topics/${seg(topic.name)}` }, topic.name),
      number(topic.partitions),
      number(records),
      bytes(size),
      number(recordsIn, 1),
      number(recordsOut, 1),
      description ? duration(description.config['retention.ms']) : (answer.error ? answer.error.code || 'error' : '—'),
    ];
  });
  show(container, table(`${topics.length} topics${topics.length > DESCRIBED ? `, the first ${DESCRIBED} described` : ''}`,
    ['Topic', ['Partitions', true], ['Records', true], ['Size', true], ['In /s', true], ['Out /s', true], 'Retention'],
    rows),
  topics.length > DESCRIBED ? h('p', { class: 'note' }, `And ${topics.length - DESCRIBED} more: `,
    topics.slice(DESCRIBED).map((topic, index) => [index ? ', ' : '', h('a', { href: `#/topics/${seg(topic.name)}` },
      topic.name)])) : null);
  return topics;
}

function createForm() {
  const name = h('input', { id: 'new-topic-name', required: true, maxlength: 249, pattern: '[a-zA-Z0-9._\\-]+',
    autocomplete: 'off' });
  const partitions = h('input', { id: 'new-topic-partitions', type: 'number', min: 1, value: 1, required: true });
  const retention = h('input', { id: 'new-topic-retention', type: 'number', min: -1,
    placeholder: 'server default', 'aria-describedby': 'retention-help' });
  const status = h('p', { role: 'status', id: 'create-status' });
  const form = h('form', { class: 'inline', id: 'create-topic' },
    h('label', { for: 'new-topic-name' }, 'Name', name),
    h('label', { for: 'new-topic-partitions' }, 'Partitions', partitions),
    h('label', { for: 'new-topic-retention' }, 'retention.ms', retention),
    // CREATE may be granted on a topic name or prefix, not only on the cluster: the server decides, and a refusal
    // shows in the alert.
    h('button', { type: 'submit' }, 'Create topic'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alertProblem(null);
    const body = { name: name.value.trim(), partitions: Number(partitions.value) };
    if (retention.value !== '') {
      body.config = { 'retention.ms': Number(retention.value) };
    }
    try {
      await call('/topics', { method: 'POST', body });
      status.textContent = `Created ${body.name}.`;
      location.hash = `#/topics/${seg(body.name)}`;
    } catch (error) {
      status.textContent = '';
      alertProblem(error);
    }
  });
  return h('section', { 'aria-labelledby': 'create-heading' }, h('h2', { id: 'create-heading' }, 'Create a topic'),
    form, h('p', { id: 'retention-help', class: 'note' }, 'How long records are kept, in ms; -1 keeps them forever.'),
    status);
}

export async function render(container) {
  const list = h('div', { id: 'topic-table' }, h('p', {}, 'Loading topics…'));
  container.append(h('h1', {}, 'Topics'), createForm(), h('h2', {}, 'All topics'), list);
  try {
    await renderTopicTable(list);
  } catch (error) {
    show(list, h('p', { class: 'error' }, error.message));
    alertProblem(error);
  }
}
