// Line charts of GET /metrics/series, drawn by uPlot: right from the moment the page opens, since the server keeps
// the last 15 minutes, then refreshed every few seconds.
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';
import { call } from './api.js';
import { h, number } from './dom.js';

const REFRESH_MS = 3000;
const COLOURS = ['#0b5cad', '#b42318', '#1a7f37', '#8250df'];

function query(line) {
  const tags = Object.entries(line.tags || {}).map(([key, value]) => `&tag=${encodeURIComponent(`${key}:${value}`)}`);
  return `/metrics/series?name=${encodeURIComponent(line.name)}${tags.join('')}`;
}

/** Lines by time: one x axis (seconds) for the union of the lines' points, null where a line has none. */
function align(answers) {
  const times = new Set();
  answers.forEach((answer) => answer.points.forEach(([ms]) => times.add(ms)));
  const xs = Array.from(times).sort((a, b) => a - b);
  const columns = answers.map((answer) => {
    const byTime = new Map(answer.points.map(([ms, value]) => [ms, value]));
    return xs.map((ms) => (byTime.has(ms) ? byTime.get(ms) : null));
  });
  return [xs.map((ms) => ms / 1000), ...columns];
}

/**
 * A chart in the container for lines of {label, name, tags}. Answers a function that stops its refreshing.
 * Where a line cannot be read (no rights, no such meter yet) the chart says so in words.
 */
export function lineChart(container, title, lines, { unit = '' } = {}) {
  const summaryId = `chart-${Math.random().toString(36).slice(2)}`;
  const summary = h('p', { class: 'note', id: summaryId, 'aria-live': 'off' }, 'Loading…');
  const plotArea = h('div', { class: 'chart', role: 'img', 'aria-labelledby': summaryId });
  container.append(h('figure', { class: 'card' }, h('figcaption', {}, h('strong', {}, title)), plotArea, summary));
  let plot = null;
  let stopped = false;
  let timer = null;

  function width() {
    return Math.max(240, plotArea.clientWidth || container.clientWidth || 400);
  }

  async function refresh() {
    try {
      // A meter no one has used yet (no record produced since the start) is unknown to the server: no data yet.
      const answers = await Promise.all(lines.map((line) => call(query(line))
        .catch((error) => { if (error.status === 400) { return { points: [] }; } throw error; })));
      if (stopped) {
        return;
      }
      const data = align(answers);
      const latest = lines.map((line, index) => {
        const column = data[index + 1];
        const last = column.length ? column[column.length - 1] : null;
        return `${line.label}: ${last === null ? 'no data' : number(last, last < 10 ? 2 : 0)}${unit}`;
      });
      summary.textContent = `Last 15 minutes on this node, now — ${latest.join('; ')}.`;
      if (!plot) {
        plot = new uPlot({
          width: width(),
          height: 180,
          series: [{}, ...lines.map((line, index) => ({ label: line.label, stroke: COLOURS[index % COLOURS.length],
            width: 2, spanGaps: false }))],
          axes: [{}, { size: 60 }],
          scales: { y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
        }, data, plotArea);
      } else {
        plot.setData(data);
      }
    } catch (error) {
      if (!stopped) {
        summary.textContent = `No chart: ${error.message}`;
      }
    }
    if (!stopped) {
      timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  const resize = new ResizeObserver(() => {
    if (plot) {
      plot.setSize({ width: width(), height: 180 });
    }
  });
  resize.observe(plotArea);
  refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
    resize.disconnect();
    if (plot) {
      plot.destroy();
    }
  };
}
