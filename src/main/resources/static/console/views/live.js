// The live tail: the topic's socket (/ws/topics/{topic}) with credit flow control. Pausing stops granting credit,
// so the server stops sending once the credit out is used; resuming grants it again. Rows kept are capped, and the
// table shows the newest of them, redrawn at most once per frame, so a fast topic cannot freeze the page.
import { seg, socketUrl } from '../api.js';
import { alertProblem, h, number, scrollRegion, timestamp } from '../dom.js';
import { keyText, valueText } from '../records.js';
import { topicHeader } from './tabs.js';

const CREDIT = 1000;
const ROWS_DRAWN = 200;
const RATE_WINDOW_MS = 5000;

export function render(container, params) {
  const topic = params.topic;
  topicHeader(container, topic, 'live');
  const from = h('select', { id: 'tail-from' }, h('option', { value: 'latest' }, 'From now on'),
    h('option', { value: 'earliest' }, 'From the earliest record'));
  from.value = params.from === 'earliest' ? 'earliest' : 'latest';
  const cap = h('select', { id: 'tail-cap' }, [100, 1000, 10000].map((count) =>
    h('option', { value: String(count) }, number(count))));
  cap.value = '1000';
  const filter = h('input', { id: 'tail-filter', autocomplete: 'off', placeholder: 'key or value contains' });
  const start = h('button', { type: 'button', id: 'tail-start' }, 'Start');
  const pause = h('button', { type: 'button', id: 'tail-pause', class: 'secondary', disabled: true }, 'Pause');
  const stop = h('button', { type: 'button', id: 'tail-stop', class: 'secondary', disabled: true }, 'Stop');
  const status = h('p', { id: 'tail-status', role: 'status' }, 'Not started.');
  const rate = h('p', { id: 'tail-rate', class: 'note' }, '');
  const tbody = h('tbody', { id: 'tail-rows' });
  container.append(
    h('div', { class: 'controls' },
      h('label', { for: 'tail-from' }, 'Start', from),
      h('label', { for: 'tail-cap' }, 'Rows kept', cap),
      h('label', { for: 'tail-filter' }, 'Filter', filter),
      start, pause, stop),
    status, rate,
    scrollRegion(`Records of ${topic} as they arrive`, h('table', { id: 'tail-table' },
      h('caption', { class: 'sr-only' }, `Records of ${topic} as they arrive, newest first`),
      h('thead', {}, h('tr', {}, ['Partition', 'Offset', 'Time (UTC)', 'Key', 'Value'].map((name) =>
        h('th', { scope: 'col' }, name)))), tbody)));

  let socket = null;
  let paused = false;
  /** Records that arrived while paused: what resuming grants back, so the credit out never grows. */
  let ungranted = 0;
  let kept = [];
  let arrivals = [];
  let received = 0;
  let drawPending = false;

  function draw() {
    drawPending = false;
    const needle = filter.value;
    const rows = [];
    for (let i = kept.length - 1; i >= 0 && rows.length < ROWS_DRAWN; i--) {
      const record = kept[i];
      if (needle && !keyText(record).includes(needle) && !valueText(record).includes(needle)) {
        continue;
      }
      rows.push(h('tr', {},
        h('td', { class: 'num' }, String(record.partition)),
        h('td', { class: 'num' }, String(record.offset)),
        h('td', {}, timestamp(record.timestamp)),
        h('td', { class: 'value' }, keyText(record)),
        h('td', { class: 'value' }, valueText(record).slice(0, 300))));
    }
    tbody.replaceChildren(...rows);
    const now = performance.now();
    arrivals = arrivals.filter(([at]) => now - at <= RATE_WINDOW_MS);
    const perSecond = arrivals.reduce((sum, [, count]) => sum + count, 0) / (RATE_WINDOW_MS / 1000);
    rate.textContent = `${number(perSecond, 1)} records/s · ${number(received)} received · ${number(kept.length)} kept`
      + ` (cap ${number(Number(cap.value))}), the newest ${number(rows.length)} shown`;
  }
  function scheduleDraw() {
    if (!drawPending) {
      drawPending = true;
      requestAnimationFrame(draw);
    }
  }
  const rateTimer = setInterval(scheduleDraw, 1000);

  function grant(records) {
    if (socket && socket.readyState === WebSocket.OPEN && records > 0) {
      socket.send(JSON.stringify({ type: 'credit', records }));
    }
  }
  function close() {
    if (socket) {
      const closing = socket;
      socket = null;
      closing.close(1000, 'stopped');
    }
    start.disabled = false;
    pause.disabled = true;
    stop.disabled = true;
  }
  start.addEventListener('click', () => {
    close();
    kept = [];
    received = 0;
    paused = false;
    ungranted = 0;
    pause.textContent = 'Pause';
    const current = new WebSocket(socketUrl(`/ws/topics/${seg(topic)}?from=${from.value}&credit=${CREDIT}`));
    socket = current;
    status.textContent = 'Connecting…';
    start.disabled = true;
    pause.disabled = false;
    stop.disabled = false;
    current.onopen = () => { status.textContent = `Live: ${topic}, ${from.value === 'earliest' ? 'from the earliest record' : 'from now on'}.`; };
    current.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'records') {
        received += message.records.length;
        const now = performance.now();
        arrivals.push([now, message.records.length]);
        // Drawing trims this too, but a hidden tab draws no frames.
        while (arrivals.length && now - arrivals[0][0] > RATE_WINDOW_MS) {
          arrivals.shift();
        }
        kept.push(...message.records);
        const limit = Number(cap.value);
        if (kept.length > limit) {
          kept = kept.slice(kept.length - limit);
        }
        if (paused) {
          ungranted += message.records.length;
        } else {
          grant(message.records.length);
        }
        scheduleDraw();
      } else if (message.type === 'error') {
        alertProblem({ status: 0, message: `${message.code}: ${message.message}` });
      }
    };
    current.onclose = (event) => {
      if (socket === current) {
        socket = null;
        start.disabled = false;
        pause.disabled = true;
        stop.disabled = true;
        status.textContent = `Closed (${event.code}${event.reason ? `: ${event.reason}` : ''}).`;
      }
    };
  });
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    status.textContent = paused ? 'Paused: no more credit is granted; records already on their way still arrive.'
      : `Live: ${topic}.`;
    if (!paused) {
      grant(ungranted);
      ungranted = 0;
    }
  });
  stop.addEventListener('click', () => {
    close();
    status.textContent = 'Stopped.';
  });
  filter.addEventListener('input', scheduleDraw);
  cap.addEventListener('change', scheduleDraw);
  return () => {
    clearInterval(rateTimer);
    close();
  };
}
