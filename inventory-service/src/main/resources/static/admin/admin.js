// The operators' console (docs/admin.md). The bearer lives in sessionStorage and goes in the
// Authorization header of every call: no cookie, so no other site can make the browser act for the
// operator. The summary stream is read with fetch, since an EventSource cannot send the header.
'use strict';

const KEY = 'spillway.admin.token';
const HISTORY_SECONDS = 300;
const $ = (id) => document.getElementById(id);

let current = null;       // the sale shown
let streamAbort = null;   // stops the summary stream
let history = [];         // [{t, accepted, decided, undecided}]
let ordersCursor = null;

function token() { return sessionStorage.getItem(KEY); }

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {}, { Authorization: 'Bearer ' + token() });
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 || response.status === 403) {
    signOut(response.status === 403 ? 'This credential is not an admin\'s.' : 'Signed out: the credential was refused.');
    throw new Error('not signed in');
  }
  return response;
}

async function problemText(response) {
  try { const p = await response.json(); return p.detail || p.title || response.statusText; } catch (e) { return response.statusText; }
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  if (streamAbort) { streamAbort.abort(); streamAbort = null; }
  $('console').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message || '';
}

async function signIn(event) {
  event.preventDefault();
  sessionStorage.setItem(KEY, $('token').value.trim());
  $('token').value = '';
  try {
    const probe = await api('/api/v1/sales');
    if (!probe.ok) { throw new Error(await problemText(probe)); }
    showConsole(await probe.json());
  } catch (e) {
    if (token()) { signOut('Could not sign in: ' + e.message); }
  }
}

function showConsole(sales) {
  $('sign-in').hidden = true;
  $('console').hidden = false;
  $('sign-out').hidden = false;
  renderSales(sales);
  loadRooms();
  loadDeadLetters();
  if (sales.length > 0) { select(sales[0].saleId); }
}

function renderSales(sales) {
  const list = $('sales');
  list.replaceChildren();
  for (const sale of sales) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.sale = sale.saleId;
    button.textContent = sale.name + ' (' + sale.saleId + ')';
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', () => select(sale.saleId));
    item.append(button);
    list.append(item);
  }
}

function select(saleId) {
  current = saleId;
  history = [];
  for (const b of document.querySelectorAll('#sales button')) { b.setAttribute('aria-pressed', String(b.dataset.sale === saleId)); }
  $('sale').hidden = false;
  $('sale-title').textContent = 'Sale ' + saleId;
  streamSummary(saleId);
  loadOrders(true);
}

// Server-sent events over fetch: "event:" and "data:" lines, events separated by a blank line.
async function streamSummary(saleId) {
  if (streamAbort) { streamAbort.abort(); }
  const abort = new AbortController();
  streamAbort = abort;
  while (!abort.signal.aborted && current === saleId) {
    try {
      const response = await api('/api/v1/sales/' + encodeURIComponent(saleId) + '/summary/stream', { signal: abort.signal });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) { break; }
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('\n');
          if (data) { showSummary(JSON.parse(data)); }
        }
      }
    } catch (e) {
      if (abort.signal.aborted || !token()) { return; }
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function number(value) { return value === null || value === undefined ? '–' : Number(value).toLocaleString('en'); }

function showSummary(s) {
  if (s.saleId !== current) { return; }
  const rejected = Object.values(s.rejectedByReason || {}).reduce((a, b) => a + b, 0);
  $('s-accepted').textContent = number(s.accepted) + (s.exact ? '' : ' (counting, ' + number(s.countBehind) + ' records to read)');
  $('s-decided').textContent = number(s.decided);
  $('s-undecided').textContent = number(s.undecided);
  $('s-confirmed').textContent = number(s.confirmed);
  $('s-rejected').textContent = number(rejected) + (rejected ? ' ' + JSON.stringify(s.rejectedByReason) : '');
  $('s-held').textContent = number(s.held);
  $('s-paid').textContent = number(s.paid);
  $('s-expired').textContent = number(s.expired);
  $('s-cancelled').textContent = number(s.cancelled);
  $('s-rate').textContent = s.drainRatePerSecond === null ? '–' : s.drainRatePerSecond.toFixed(1) + '/s';
  $('s-eta').textContent = s.drainEtaSeconds === null ? '–' : Math.ceil(s.drainEtaSeconds) + ' s';
  $('s-dead').textContent = number(s.deadLettered.total) + ' (' + number(s.deadLettered.pending) + ' pending)';
  $('s-note').textContent = s.kafkaError ? 'Lag unknown: ' + s.kafkaError : 'Lines (partitions): ' + (s.lines || []).join(', ') + ', processor lag ' + number(s.linesLag);
  history.push({ t: Date.parse(s.at) / 1000, accepted: s.accepted, decided: s.decided, undecided: s.undecided || 0 });
  const oldest = history[history.length - 1].t - HISTORY_SECONDS;
  history = history.filter((h) => h.t >= oldest);
  drawChart();
}

function drawChart() {
  const canvas = $('chart');
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (history.length < 2) { return; }
  const rates = [];
  for (let i = 1; i < history.length; i++) {
    const dt = Math.max(history[i].t - history[i - 1].t, 0.001);
    rates.push({
      t: history[i].t,
      accepted: Math.max(0, (history[i].accepted - history[i - 1].accepted) / dt),
      decided: Math.max(0, (history[i].decided - history[i - 1].decided) / dt),
      undecided: history[i].undecided,
    });
  }
  const max = Math.max(1, ...rates.map((r) => Math.max(r.accepted, r.decided, r.undecided)));
  const right = rates[rates.length - 1].t;
  const x = (t) => canvas.width - ((right - t) / HISTORY_SECONDS) * canvas.width;
  const y = (v) => canvas.height - 4 - (v / max) * (canvas.height - 20);
  g.fillStyle = '#57606a';
  g.font = '11px system-ui';
  g.fillText(Math.round(max).toLocaleString('en'), 4, 12);
  for (const [field, colour] of [['accepted', '#0b5cad'], ['decided', '#1a7f37'], ['undecided', '#bf8700']]) {
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    rates.forEach((r, i) => (i === 0 ? g.moveTo(x(r.t), y(r[field])) : g.lineTo(x(r.t), y(r[field]))));
    g.stroke();
  }
}

async function loadOrders(fresh) {
  if (fresh) { ordersCursor = null; $('orders').tBodies[0].replaceChildren(); }
  const status = $('status').value;
  const query = new URLSearchParams({ limit: '50' });
  if (status) { query.set('status', status); }
  if (ordersCursor) { query.set('cursor', ordersCursor); }
  const response = await api('/api/v1/sales/' + encodeURIComponent(current) + '/orders?' + query);
  if (!response.ok) { return; }
  const page = await response.json();
  for (const o of page.orders) {
    const row = document.createElement('tr');
    for (const value of [o.orderId, o.customerId, o.sku, o.quantity, o.status, o.reason || '', o.decidedAt]) {
      const cell = document.createElement('td');
      cell.textContent = value === null ? '' : String(value);
      row.append(cell);
    }
    $('orders').tBodies[0].append(row);
  }
  ordersCursor = page.nextCursor;
  $('more-orders').hidden = !ordersCursor;
}

// The export needs the bearer, so it is fetched and handed to the browser as a file. Held in the
// browser's memory: for very large sales, curl with the bearer streams it to disk (docs/admin.md).
async function exportCsv() {
  const response = await api('/api/v1/sales/' + encodeURIComponent(current) + '/orders.csv');
  if (!response.ok) { alert('Export failed: ' + await problemText(response)); return; }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = current + '-orders.csv';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// Waiting rooms (docs/admission.md): their rates, changed live, and pause, resume, close.
async function loadRooms() {
  const response = await api('/api/v1/rooms');
  if (!response.ok) { return; }
  const body = $('rooms').tBodies[0];
  body.replaceChildren();
  for (const r of await response.json()) {
    const row = document.createElement('tr');
    row.dataset.room = r.roomId;
    const cells = [r.roomId, r.name, r.state, number(r.admitPerMinute), number(r.maxActive), r.sessionSeconds + ' s'];
    cells.forEach((text, i) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      cell.className = ['room', 'name', 'state', 'admit', 'active', 'session'][i];
      row.append(cell);
    });
    const actions = document.createElement('td');
    if (r.state !== 'CLOSED') {
      actions.append(button('Rates', () => changeRates(r)),
        r.state === 'PAUSED' ? button('Resume', () => roomAction(r, 'resume')) : button('Pause', () => roomAction(r, 'pause')),
        button('Close', () => roomAction(r, 'close')));
    }
    row.append(actions);
    body.append(row);
  }
}

async function changeRates(r) {
  const admit = prompt('Admissions per minute for ' + r.roomId + ' (0: no cap):', String(r.admitPerMinute));
  if (admit === null) { return; }
  const active = prompt('Most admitted at once for ' + r.roomId + ' (0: no cap):', String(r.maxActive));
  if (active === null) { return; }
  const response = await api('/api/v1/rooms/' + encodeURIComponent(r.roomId), {
    method: 'PATCH', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ admitPerMinute: Number(admit), maxActive: Number(active) }),
  });
  if (!response.ok) { alert('Rates refused: ' + await problemText(response)); }
  loadRooms();
}

async function roomAction(r, action) {
  if (action === 'close' && !confirm('Close room ' + r.roomId + ' for good? Every waiting buyer is turned away.')) { return; }
  const response = await api('/api/v1/rooms/' + encodeURIComponent(r.roomId) + '/' + action, { method: 'POST' });
  if (!response.ok) { alert(action + ' refused: ' + await problemText(response)); }
  loadRooms();
}

async function loadDeadLetters() {
  const response = await api('/api/v1/dlq?limit=200');
  if (!response.ok) { return; }
  const listing = await response.json();
  const body = $('dlq').tBodies[0];
  body.replaceChildren();
  for (const d of listing.deadLetters) {
    const row = document.createElement('tr');
    row.dataset.id = d.id;
    const cells = [d.id, d.saleId || '', (d.causes || [d.cause]).join(' → '),
      (d.originTopic || '?') + ' / ' + d.originPartition + ' / ' + d.originOffset, String(d.replayCount), d.state];
    cells.forEach((text, i) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      if (i === 2) { cell.className = 'cause'; }
      if (i === 5) { cell.className = 'state'; }
      row.append(cell);
    });
    const actions = document.createElement('td');
    if (d.state === 'PENDING') {
      actions.append(button('Replay', () => replay(d, false)), button('Edit and replay', () => replay(d, true)),
        button('Discard', () => discard(d)));
    }
    row.append(actions);
    body.append(row);
  }
}

function button(label, action) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', action);
  return b;
}

async function replay(d, edit) {
  let body;
  if (edit) {
    const value = prompt('Corrected record value for ' + d.id + ':', d.value || '');
    if (value === null) { return; }
    body = JSON.stringify({ value });
  }
  if (!confirm('Replay dead letter ' + d.id + ' onto ' + d.originTopic + (edit ? ' with the corrected value' : '') + '?')) { return; }
  const response = await api('/api/v1/dlq/' + encodeURIComponent(d.id) + '/replay', {
    method: 'POST', body, headers: body ? { 'Content-Type': 'application/json' } : {},
  });
  if (!response.ok) { alert('Replay refused: ' + await problemText(response)); }
  loadDeadLetters();
}

async function discard(d) {
  if (!confirm('Discard dead letter ' + d.id + '? It will not be replayed.')) { return; }
  const response = await api('/api/v1/dlq/' + encodeURIComponent(d.id) + '/discard', { method: 'POST' });
  if (!response.ok) { alert('Discard refused: ' + await problemText(response)); }
  loadDeadLetters();
}

// Sale control (docs/admin.md): each action after a confirmation; the summary shows its effect.
async function control(action, question) {
  if (!current || !confirm(question.replace('%s', current))) { return; }
  const response = await api('/api/v1/sales/' + encodeURIComponent(current) + '/' + action, { method: 'POST' });
  if (!response.ok) { alert(action + ' refused: ' + await problemText(response)); }
}

async function addToItem() {
  if (!current) { return; }
  const sku = prompt('Item (sku) of ' + current + ':');
  if (!sku) { return; }
  const what = prompt('Units to add (a number), or new seat ids separated by commas:');
  if (!what) { return; }
  const units = /^\s*\d+\s*$/.test(what);
  const body = units ? { addStock: Number(what) } : { addSeats: what.split(',').map((seat) => seat.trim()).filter((seat) => seat) };
  const size = units ? body.addStock + ' units' : body.addSeats.length + ' seats';
  if (!confirm('Add ' + size + ' to ' + sku + ' of ' + current + '? Orders decided from now on may take them.')) { return; }
  const response = await api('/api/v1/sales/' + encodeURIComponent(current) + '/items/' + encodeURIComponent(sku), {
    method: 'PATCH', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' },
  });
  if (!response.ok) { alert('Addition refused: ' + await problemText(response)); }
}

document.addEventListener('DOMContentLoaded', () => {
  $('pause').addEventListener('click', () => control('pause', 'Pause %s? The door refuses new orders until it is resumed; queued orders are still decided.'));
  $('resume').addEventListener('click', () => control('resume', 'Resume %s? The door takes orders again.'));
  $('close').addEventListener('click', () => control('close', 'Close %s for good? Every undecided order will be rejected SALE_CLOSED.'));
  $('add').addEventListener('click', addToItem);
  $('sign-in').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut('Signed out.'));
  $('orders-filter').addEventListener('submit', (e) => { e.preventDefault(); loadOrders(true); });
  $('more-orders').addEventListener('click', () => loadOrders(false));
  $('export').addEventListener('click', exportCsv);
  setInterval(() => { if (token() && !$('console').hidden) { loadDeadLetters(); } }, 5000);
  if (token()) {
    api('/api/v1/sales').then((r) => (r.ok ? r.json() : Promise.reject(new Error('refused')))).then(showConsole).catch(() => {});
  }
});
