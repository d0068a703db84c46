// The buyers' waiting room, /s/{saleId} (docs/page.md). Plain browser JavaScript: no framework, no
// build step, nothing fetched from a third party. What it keeps in localStorage:
//   spillway.customerId         the buyer's made-up id on the local stack (production's gateway sets
//                               X-Customer-Id itself)
//   spillway.purchase.<saleId>  the purchase under way: its Idempotency-Key, made once, before the
//                               first POST, and the order id and token once the door answered 202.
// A purchase is only forgotten when the door refused it (nothing was ordered) or the buyer starts a
// new one after a final result, so a double click, a reload or a retry after a network error sends
// the same key again and can never make a second order.
(function () {
  'use strict';

  // The pages' shared helpers (common.js): the element lookup, storage, ids and words for times.
  var page = window.SpillwayPage;
  var $ = page.$, read = page.read, write = page.write, forget = page.forget, randomUuid = page.randomUuid;
  var customerId = page.customerId, setText = page.setText, show = page.show, clock = page.clock;
  var duration = page.duration;

  var WORDS = {
    QUEUED: 'Queued', CONFIRMED: 'Confirmed', REJECTED: 'Rejected',
    PAID: 'Paid', EXPIRED: 'Expired', CANCELLED: 'Cancelled'
  };
  var EVENTS = ['queued', 'confirmed', 'rejected', 'paid', 'expired', 'cancelled'];
  var REASONS = {
    SOLD_OUT: 'Sold out: everything was taken by orders ahead of yours in the line.',
    SEAT_TAKEN: 'One of your seats was taken by an order ahead of yours in the line.',
    LIMIT_EXCEEDED: 'This order would take you over the limit per customer of this sale.',
    INVALID_ITEM: 'The item or seats you chose are not part of this sale.',
    SALE_CLOSED: 'The sale closed before your order\u2019s turn came.'
  };
  var SALE_REFRESH_MS = 3000;
  var STREAM_REOPEN_MS = 3000;

  var saleId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
  var purchaseKey = 'spillway.purchase.' + saleId;
  var config = { ingestUrl: '', inventoryUrl: '', demoPayment: false };
  var sale = null;
  var choices = {};        // sku -> {input, label, row}
  var stream = null;       // the open EventSource, if any
  var current = null;      // the last order view shown
  var sending = false;
  var countdownTimer = null;


  // --- storage ---------------------------------------------------------------------------------




  function purchase() { return read(purchaseKey); }

  // --- small helpers ---------------------------------------------------------------------------


  function when(iso) {
    var date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
  }
  function confidenceInWords(confidence) {
    if (confidence >= 0.8) { return 'a fairly sure estimate'; }
    if (confidence >= 0.5) { return 'a rough estimate'; }
    return 'only a guess for now: the line\u2019s speed is still uncertain';
  }

  // --- the sale --------------------------------------------------------------------------------

  function loadSale() {
    fetch(config.inventoryUrl + '/api/v1/sales/' + encodeURIComponent(saleId), { headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (response.status === 404) { noSuchSale(); return null; }
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(function (view) {
        if (view) {
          sale = view;
          renderSale();
          setText('sale-refresh', 'Updated at ' + clock(new Date().toISOString()) + '.');
        }
      })
      .catch(function () { setText('sale-refresh', 'Could not refresh what is left; trying again.'); })
      .then(function () { setTimeout(loadSale, SALE_REFRESH_MS); });
  }

  function noSuchSale() {
    setText('sale-name', 'No such sale');
    setText('sale-opening', 'There is no sale \u201c' + saleId + '\u201d. Check the address.');
    show('buy-section', false);
  }

  function renderSale() {
    setText('sale-name', sale.name || sale.saleId);
    document.title = (sale.name || sale.saleId) + ' \u2014 waiting room';
    setText('sale-opening', opening());
    if (sale.draw && sale.draw.commitment) {
      show('sale-draw', true);
      setText('draw-text', 'Commitment (SHA-256 of the seed): ' + sale.draw.commitment + '. Seed: '
        + (sale.draw.seed ? sale.draw.seed : 'revealed once every pre-queue order is decided') + '.');
    }
    $('quantity').max = String(sale.perCustomerLimit || 1);
    (sale.items || []).forEach(renderItem);
    if (!$('buy-form').querySelector('input[name="sku"]:checked')) {
      var first = $('buy-form').querySelector('input[name="sku"]:not(:disabled)');
      if (first) { first.checked = true; chosen(); }
    }
    updateBuyButton();
  }

  function opening() {
    var now = Date.now();
    var opensAt = Date.parse(sale.opensAt);
    var text = opensAt > now ? 'Opens ' + when(sale.opensAt) + ' (in ' + duration((opensAt - now) / 1000) + ').'
      : 'Open since ' + when(sale.opensAt) + '.';
    if (sale.prequeueOpensAt && opensAt > now) {
      text += ' Pre-queue from ' + when(sale.prequeueOpensAt) + '; the line is '
        + (sale.openingOrder === 'SHUFFLED' ? 'drawn' : 'formed') + ' at ' + clock(sale.opensAt) + '.';
    }
    if (sale.state === 'PAUSED') { text += ' The sale is paused.'; }
    if (sale.state === 'CLOSED') { text += ' The sale is closed.'; }
    if (sale.holdSeconds > 0) { text += ' A confirmed order is held ' + duration(sale.holdSeconds) + ' for payment.'; }
    if (sale.perCustomerLimit) { text += ' At most ' + sale.perCustomerLimit + ' per customer.'; }
    return text;
  }

  function renderItem(item, index) {
    var choice = choices[item.sku];
    if (!choice) {
      var wrapper = document.createElement('div');
      wrapper.className = 'choice';
      var input = document.createElement('input');
      input.type = 'radio';
      input.name = 'sku';
      input.value = item.sku;
      input.id = 'item-' + index;
      input.addEventListener('change', chosen);
      var label = document.createElement('label');
      label.htmlFor = input.id;
      wrapper.appendChild(input);
      wrapper.appendChild(label);
      $('items').appendChild(wrapper);
      var row = document.createElement('tr');
      row.appendChild(document.createElement('th')).scope = 'row';
      row.appendChild(document.createElement('td'));
      row.appendChild(document.createElement('td'));
      document.querySelector('#stock tbody').appendChild(row);
      choice = choices[item.sku] = { input: input, label: label, row: row, wrapper: wrapper };
    }
    choice.item = item;
    var left = item.soldOut ? 'sold out' : item.available + ' of ' + item.total + ' left';
    setLabel(choice.label, item.sku + (item.kind === 'SEATED' ? ' (named seats)' : '') + ': ' + left);
    choice.input.disabled = !!item.soldOut;
    choice.wrapper.classList.toggle('sold-out', !!item.soldOut);
    var cells = choice.row.children;
    if (cells[0].textContent !== item.sku) { cells[0].textContent = item.sku; }
    setLabel(cells[1], item.soldOut ? 'Sold out' : item.available + ' of ' + item.total);
    cells[1].classList.toggle('sold-out', !!item.soldOut);
    setLabel(cells[2], String(item.held || 0));
  }

  function setLabel(el, text) { if (el.textContent !== text) { el.textContent = text; } }

  function selectedItem() {
    var input = $('buy-form').querySelector('input[name="sku"]:checked');
    return input && choices[input.value] ? choices[input.value].item : null;
  }

  function chosen() {
    var item = selectedItem();
    show('quantity-field', !!item && item.kind !== 'SEATED');
    if (item && item.kind === 'SEATED') {
      loadSeatMap(item.sku);
    } else {
      show('seat-map', false);
      show('seats-field', false);
    }
    updateBuyButton();
  }

  // The seat map of a seated item, from the inventory's public seat list; typed seat names when it
  // cannot be had. Seats already picked stay picked when the map is drawn again.
  var seatMapSku = null;

  function loadSeatMap(sku) {
    fetch(config.inventoryUrl + '/api/v1/sales/' + encodeURIComponent(saleId) + '/items/' + encodeURIComponent(sku)
        + '/seats', { headers: { Accept: 'application/json' } })
      .then(function (response) { if (!response.ok) { throw new Error('seat map ' + response.status); } return response.json(); })
      .then(function (map) { drawSeatMap(sku, map.seats || []); })
      .catch(function () {
        show('seat-map', false);
        show('seats-field', true);
      });
  }

  function drawSeatMap(sku, seats) {
    var item = selectedItem();
    if (!item || item.sku !== sku) { return; }
    var box = $('seat-map-seats');
    var picked = {};
    if (seatMapSku === sku) {
      box.querySelectorAll('input[name="seat"]:checked').forEach(function (input) { picked[input.value] = true; });
    }
    seatMapSku = sku;
    box.textContent = '';
    seats.forEach(function (seat) {
      var label = document.createElement('label');
      label.className = 'seat' + (seat.free ? '' : ' taken');
      var input = document.createElement('input');
      input.type = 'checkbox';
      input.name = 'seat';
      input.value = seat.id;
      input.disabled = !seat.free;
      input.checked = seat.free && !!picked[seat.id];
      label.appendChild(input);
      label.appendChild(document.createTextNode(' ' + seat.id + (seat.free ? '' : ' (taken)')));
      box.appendChild(label);
    });
    show('seats-field', false);
    show('seat-map', true);
  }

  function chosenSeats() {
    if (!$('seat-map').hidden) {
      return Array.prototype.map.call($('seat-map-seats').querySelectorAll('input[name="seat"]:checked'),
          function (input) { return input.value; });
    }
    return $('seats').value.split(/[\s,]+/).filter(Boolean);
  }

  function updateBuyButton() {
    var item = selectedItem();
    var button = $('buy');
    button.disabled = sending || !!purchase() || !item || !!item.soldOut;
    var label = item ? 'Buy ' + item.sku : 'Buy';
    if (button.textContent !== label) { button.textContent = label; }
  }

  // --- placing the order -----------------------------------------------------------------------

  function orderBody() {
    var item = selectedItem();
    if (!item) { return formError('Choose an item first.'); }
    var limit = sale.perCustomerLimit || 1;
    if (item.kind === 'SEATED') {
      var seats = chosenSeats();
      if (seats.length === 0) { return formError('Pick at least one seat.'); }
      if (new Set(seats).size !== seats.length) { return formError('A seat is named twice.'); }
      if (seats.length > limit) { return formError('At most ' + limit + ' seats per customer.'); }
      return { saleId: saleId, sku: item.sku, seatIds: seats };
    }
    var quantity = Number($('quantity').value);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > limit) {
      return formError('Choose a quantity from 1 to ' + limit + '.');
    }
    return { saleId: saleId, sku: item.sku, quantity: quantity };
  }

  function formError(message) {
    setText('form-message', message);
    show('form-message', true);
    return null;
  }

  function onBuy(event) {
    event.preventDefault();
    if (sending || purchase()) { return; } // one intended purchase at a time, whatever the clicks
    show('form-message', false);
    var body = orderBody();
    if (!body) { return; }
    var intended = { key: randomUuid(), body: body };
    write(purchaseKey, intended); // before the POST: a reload from here on resends this key
    place(intended, 0);
  }

  function place(intended, attempt) {
    sending = true;
    updateBuyButton();
    showOrder(intended);
    setStatus(null, 'Sending your order\u2026');
    fetch(config.ingestUrl + '/api/v1/orders', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': intended.key, 'X-Customer-Id': customerId() },
      body: JSON.stringify(intended.body)
    }).then(function (response) {
      if (response.status === 202) {
        return response.json().then(function (accepted) {
          intended.orderId = accepted.orderId;
          intended.token = accepted.accessToken;
          write(purchaseKey, intended);
          sending = false;
          follow(intended);
        });
      }
      return problemOf(response).then(function (problem) {
        if (response.status === 429 || response.status >= 500) {
          var wait = retryAfter(response) || backoff(attempt);
          retry(intended, attempt, wait, (problem.title || 'Busy') + ': sending your order again in ' + duration(wait) + '\u2026');
          return;
        }
        // Refused at the door: nothing was ordered, so this purchase ends and the buyer may choose again.
        forget(purchaseKey);
        sending = false;
        resetOrder();
        var wait = retryAfter(response);
        formError((problem.detail || problem.title || ('The order was refused (' + response.status + ').'))
          + (response.status === 409 && wait ? ' Try again in ' + duration(wait) + '.' : '') + errorsOf(problem));
        $('buy').focus();
      });
    }).catch(function () {
      // No answer, or the answer was cut: the order may or may not be in. The same key is sent again,
      // so at most one order is ever made.
      var wait = backoff(attempt);
      retry(intended, attempt, wait, 'The network failed; sending your order again in ' + duration(wait)
        + ' (it cannot be placed twice)\u2026');
    });
  }

  function retry(intended, attempt, seconds, message) {
    setStatus(null, message);
    setTimeout(function () { place(intended, attempt + 1); }, seconds * 1000);
  }
  function backoff(attempt) { return Math.min(15, Math.pow(2, attempt)); }
  function retryAfter(response) {
    var seconds = Number(response.headers.get('Retry-After'));
    return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) : 0;
  }
  function problemOf(response) {
    return response.json().catch(function () { return {}; });
  }
  function errorsOf(problem) {
    if (!Array.isArray(problem.errors) || problem.errors.length === 0) { return ''; }
    return ' ' + problem.errors.map(function (e) { return e.field + ' ' + e.message; }).join('; ') + '.';
  }

  // --- following the order ---------------------------------------------------------------------

  function showOrder(intended) {
    show('buy-section', false);
    show('order', true);
    setText('order-id', intended.orderId || 'not yet numbered');
    var b = intended.body;
    setText('order-what', b.seatIds ? b.sku + ', seats ' + b.seatIds.join(', ') : b.quantity + ' \u00d7 ' + b.sku);
  }

  function follow(intended) {
    showOrder(intended);
    if (intended.last && intended.last.orderId === intended.orderId) {
      render(intended.last); // what the buyer saw before the reload, until the stream's first event
    } else {
      setStatus('QUEUED', 'Your order is in. Finding your place in the line\u2026');
    }
    $('state-heading').focus();
    openStream(intended);
  }

  function openStream(intended) {
    closeStream();
    if (current && isFinal(current)) { return; }
    var source = new EventSource('/api/v1/orders/' + encodeURIComponent(intended.orderId)
      + '/events?token=' + encodeURIComponent(intended.token));
    stream = source;
    EVENTS.forEach(function (name) {
      source.addEventListener(name, function (event) {
        if (stream !== source) { return; }
        show('connection', false);
        var view;
        try { view = JSON.parse(event.data); } catch (e) { return; }
        render(view);
      });
    });
    source.onopen = function () { if (stream === source) { show('connection', false); } };
    source.onerror = function () {
      if (stream !== source) { return; }
      if (current && isFinal(current)) { closeStream(); return; }
      // The browser reconnects by itself, with Last-Event-ID, while readyState is CONNECTING.
      show('connection', true);
      if (source.readyState === EventSource.CLOSED) {
        // It gave up (an error answer while the notifier restarts, for instance): start again; the
        // first event of a new stream is the order's state now.
        stream = null;
        setTimeout(function () { if (!stream) { checkThenReopen(intended); } }, STREAM_REOPEN_MS);
      }
    };
  }

  function checkThenReopen(intended) {
    fetch('/api/v1/orders/' + encodeURIComponent(intended.orderId) + '?token=' + encodeURIComponent(intended.token),
      { cache: 'no-store' })
      .then(function (response) {
        if (response.status === 404) {
          show('connection', false);
          setStatus(null, 'This order cannot be shown any more.');
          show('new-order', true);
          return;
        }
        if (response.ok) {
          return response.json().then(function (view) {
            render(view);
            if (!isFinal(view)) { openStream(intended); }
          });
        }
        openStream(intended);
      })
      .catch(function () { openStream(intended); });
  }

  function closeStream() {
    if (stream) { stream.close(); stream = null; }
  }

  function isHeld(view) { return view.status === 'CONFIRMED' && !!view.holdExpiresAt; }
  function isFinal(view) { return view.status !== 'QUEUED' && !isHeld(view); }

  function render(view) {
    current = view;
    var saved = purchase();
    if (saved && saved.orderId === view.orderId) {
      if (view.queue && typeof view.queue.position === 'number') {
        saved.firstPosition = Math.max(saved.firstPosition || 0, view.queue.position);
      }
      saved.last = view;
      write(purchaseKey, saved);
    }
    setStatus(view.status, summary(view));
    renderQueue(view, saved);
    renderHold(view);
    renderPayment(view);
    if (isFinal(view)) {
      closeStream();
      show('connection', false);
      show('new-order', true);
    }
  }

  function setStatus(status, text) {
    if (status) { document.body.dataset.status = status; } else { delete document.body.dataset.status; }
    setText('status-word', status ? WORDS[status] || status : 'Sending');
    setText('status-text', text);
  }

  function summary(view) {
    switch (view.status) {
      case 'QUEUED':
        if (view.queue && view.queue.prequeue) {
          // FIFO keeps the pre-queue's arrival order; only SHUFFLED draws it (CONTRACT.md, "Opening").
          return 'You are in the pre-queue; the line is ' + (sale && sale.openingOrder !== 'SHUFFLED' ? 'formed' : 'drawn')
            + ' at ' + (sale ? clock(sale.opensAt) : 'the opening') + '.';
        }
        return 'You are in the line. Keep this page open, or come back to it: your place is kept.';
      case 'CONFIRMED':
        return isHeld(view) ? 'It is held for you until ' + clock(view.holdExpiresAt) + '. Pay before then to keep it.'
          : 'Your order is confirmed.';
      case 'REJECTED': return REASONS[view.reason] || ('Your order was not accepted (' + view.reason + ').');
      case 'PAID': return 'Your order is paid and complete.';
      case 'EXPIRED': return 'The hold ended before payment arrived; what you held went back on sale.';
      case 'CANCELLED': return 'Your order was cancelled; what you held went back on sale.';
      default: return '';
    }
  }

  function renderQueue(view, saved) {
    var queued = view.status === 'QUEUED';
    show('queue', queued);
    if (!queued) { return; }
    var queue = view.queue || {};
    var progress = $('queue-progress');
    if (typeof queue.position === 'number') {
      var first = Math.max((saved && saved.firstPosition) || 0, queue.position);
      progress.value = Math.round(100 * (first - queue.position) / (first + 1));
      setText('queue-position', queue.position === 0 ? 'You are next in line.'
        : queue.position + (queue.position === 1 ? ' order' : ' orders') + ' ahead of you.');
    } else {
      progress.removeAttribute('value'); // indeterminate
      setText('queue-position', queue.prequeue ? (sale && sale.openingOrder !== 'SHUFFLED'
        ? 'You keep your place of arrival; the line forms at the opening.' : 'Your place is decided by the draw at the opening.')
        : 'Your place in the line will show in a moment.');
    }
    setText('queue-eta', typeof queue.etaSeconds === 'number'
      ? 'About ' + duration(queue.etaSeconds) + ' to go: ' + confidenceInWords(queue.confidence) + '.'
      : 'No estimate of the wait yet.');
  }

  function renderHold(view) {
    var held = isHeld(view);
    show('hold', held);
    show('pay', held && config.demoPayment);
    clearInterval(countdownTimer);
    countdownTimer = null;
    if (!held) { return; }
    var tick = function () {
      var left = (Date.parse(view.holdExpiresAt) - Date.now()) / 1000;
      if (left > 0) {
        var s = Math.ceil(left);
        setText('hold-countdown', Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0') + ' left to pay');
      } else {
        setText('hold-countdown', 'Time is up; waiting for the result\u2026');
        $('pay').disabled = true;
      }
    };
    tick();
    countdownTimer = setInterval(tick, 1000);
  }

  function renderPayment(view) {
    var outcome = view.payment && view.payment.outcome;
    if (outcome === 'TOO_LATE' || outcome === 'NOT_HELD') {
      message('Your payment ' + view.payment.ref + ' came ' + (outcome === 'TOO_LATE' ? 'too late' : 'for an order that was not held')
        + '; it will be refunded.');
    } else if (isFinal(view)) {
      show('order-message', false);
    }
  }

  function message(text) {
    setText('order-message', text);
    show('order-message', true);
  }

  function pay() {
    var saved = purchase();
    if (!saved || !saved.orderId) { return; }
    $('pay').disabled = true;
    message('Sending your payment\u2026');
    fetch('/page/orders/' + encodeURIComponent(saved.orderId) + '/demo-payment?token=' + encodeURIComponent(saved.token),
      { method: 'POST' })
      .then(function (response) {
        if (response.status === 202) { message('Payment sent; waiting for its confirmation\u2026'); return; }
        return problemOf(response).then(function (problem) {
          $('pay').disabled = false;
          message('The payment was not taken: ' + (problem.detail || problem.title || response.status) + '.');
        });
      })
      .catch(function () { $('pay').disabled = false; message('The payment could not be sent; try again.'); });
  }

  function cancel() {
    var saved = purchase();
    if (!saved || !saved.orderId) { return; }
    $('cancel').disabled = true;
    message('Cancelling\u2026');
    fetch(config.ingestUrl + '/api/v1/orders/' + encodeURIComponent(saved.orderId) + '/cancel?token='
      + encodeURIComponent(saved.token), { method: 'POST' })
      .then(function (response) {
        if (response.status === 202) { message('Cancel sent; waiting for its confirmation\u2026'); return; }
        return problemOf(response).then(function (problem) {
          $('cancel').disabled = false;
          message('The order was not cancelled: ' + (problem.detail || problem.title || response.status) + '.');
        });
      })
      .catch(function () { $('cancel').disabled = false; message('The cancel could not be sent; try again.'); });
  }

  function resetOrder() {
    closeStream();
    clearInterval(countdownTimer);
    current = null;
    show('order', false);
    show('new-order', false);
    show('order-message', false);
    show('connection', false);
    show('buy-section', true);
    $('pay').disabled = false;
    $('cancel').disabled = false;
    delete document.body.dataset.status;
    setText('status-word', 'No order yet');
    setText('status-text', 'Choose what you want below and press Buy.');
    updateBuyButton();
  }

  function newOrder() {
    forget(purchaseKey);
    resetOrder();
    $('buy-heading').setAttribute('tabindex', '-1');
    $('buy-heading').focus();
  }

  // --- start -----------------------------------------------------------------------------------

  function start() {
    $('buy-form').addEventListener('submit', onBuy);
    $('pay').addEventListener('click', pay);
    $('cancel').addEventListener('click', cancel);
    $('new-order').addEventListener('click', newOrder);
    fetch('/page/config', { cache: 'no-store' })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .catch(function () { return {}; })
      .then(function (loaded) {
        config.ingestUrl = loaded.ingestUrl || '';
        config.inventoryUrl = loaded.inventoryUrl || '';
        config.demoPayment = !!loaded.demoPayment;
        loadSale();
        var saved = purchase();
        if (saved && saved.orderId) {
          follow(saved);
        } else if (saved) {
          place(saved, 0); // sent before, answer unknown: the same key again
        }
      });
  }

  start();
}());
