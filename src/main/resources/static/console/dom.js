// Small DOM helpers. Every value from the server is set as text, never parsed as HTML.

/**
 * Makes an element: h('a', { href: '#/' }, 'Overview'). Attributes starting with "on" become listeners;
 * children are nodes, strings or numbers (null and false are skipped).
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      element.addEventListener(name.substring(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : String(child));
  }
}

/** A table with a caption (for screen readers), header cells and rows of cells or values. */
export function table(caption, headers, rows, { rowAttributes } = {}) {
  return scrollRegion(caption, h('table', {},
    h('caption', { class: 'note', style: 'text-align:left' }, caption),
    h('thead', {}, h('tr', {}, headers.map((header) => {
      const [text, numeric] = Array.isArray(header) ? header : [header, false];
      return h('th', { scope: 'col', class: numeric ? 'num' : null }, text);
    }))),
    h('tbody', {}, rows.map((row, index) => h('tr', rowAttributes ? rowAttributes(index) : {},
      row.map((cell, column) => {
        const numeric = Array.isArray(headers[column]) && headers[column][1];
        return cell instanceof Node && cell.tagName === 'TD' ? cell : h('td', { class: numeric ? 'num' : null }, cell);
      }))))));
}

/** A wide element that scrolls sideways on a narrow screen, reachable by keyboard to scroll it. */
export function scrollRegion(label, content) {
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': label }, content);
}

/** A number with thousands separators, or a dash. */
export function number(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '—';
  }
  return Number(value).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Bytes as B, KiB, MiB or GiB. */
export function bytes(value) {
  if (value === null || value === undefined) {
    return '—';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${number(scaled, unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** A duration in milliseconds as the largest whole unit; -1 is Kafka's "forever". */
export function duration(ms) {
  if (ms === null || ms === undefined) {
    return '—';
  }
  if (Number(ms) < 0) {
    return 'forever';
  }
  for (const [unit, size] of [['d', 86400000], ['h', 3600000], ['min', 60000], ['s', 1000]]) {
    if (ms >= size && ms % size === 0) {
      return `${ms / size} ${unit}`;
    }
  }
  return `${ms} ms`;
}

/**
 * A record timestamp as ISO 8601 in UTC, or the raw number when no Date can hold it: any producer may store any
 * long, and the page must not break on one.
 */
export function timestamp(epochMs) {
  const date = new Date(Number(epochMs));
  return Number.isNaN(date.getTime()) ? String(epochMs) : date.toISOString();
}

function base64Bytes(text) {
  const binary = atob(text);
  const result = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    result[i] = binary.charCodeAt(i);
  }
  return result;
}

/** Base64 as hex pairs separated by spaces. */
export function base64Hex(text) {
  return Array.from(base64Bytes(text), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

export function show(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/**
 * Shows fresh content of a periodic refresh, unless the keyboard focus is inside the element: replacing it then
 * would throw the focus back to the page's start. The next refresh after the focus left catches up.
 */
export function refresh(element, ...children) {
  if (element.contains(document.activeElement)) {
    return;
  }
  show(element, ...children);
}

/** Shows a problem in the page's alert region; null clears it. */
export function alertProblem(error) {
  const region = document.getElementById('alert');
  if (!error) {
    region.hidden = true;
    region.textContent = '';
    return;
  }
  const forbidden = error.status === 403;
  region.textContent = forbidden ? `Not allowed — ${error.message}` : error.message;
  region.hidden = false;
}

/**
 * Asks for confirmation in a modal dialog; resolves true when confirmed. With `typed`, the user must type that
 * text first (deleting a topic asks for its name).
 */
export function confirmDialog(question, { action = 'Confirm', typed } = {}) {
  return new Promise((resolve) => {
    const input = typed ? h('input', { id: 'confirm-typed', autocomplete: 'off' }) : null;
    const confirmButton = h('button', { type: 'submit', class: 'danger', id: 'confirm-yes', disabled: typed ? true : null },
      action);
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-question' },
      h('form', { method: 'dialog' },
        h('p', { id: 'confirm-question' }, question),
        typed ? h('label', { for: 'confirm-typed' }, `Type ${typed} to confirm`, input) : null,
        h('div', { class: 'controls' },
          confirmButton,
          h('button', { type: 'button', class: 'secondary', id: 'confirm-no', onclick: () => dialog.close('no') }, 'Cancel'))));
    if (input) {
      input.addEventListener('input', () => { confirmButton.disabled = input.value !== typed; });
    }
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'yes');
      dialog.remove();
    });
    confirmButton.addEventListener('click', (event) => {
      event.preventDefault();
      dialog.close('yes');
    });
    document.body.append(dialog);
    dialog.showModal();
    (input || confirmButton).focus();
  });
}
