// The room's waiting page, /r/{roomId} (docs/page.md, "Rooms"). Plain browser JavaScript, as page.js:
// no framework, no build step, nothing from a third party. What it keeps in localStorage:
//   spillway.customerId      the buyer's made-up id on the local stack (shared with the sale page)
//   spillway.entry.<roomId>  the entry under way: its Idempotency-Key, made once before the first
//                            POST, then the entry id and token once the door answered 202.
// Joining is idempotent per customer and room at the door; the kept key makes a reload or a retry
// after a network error send the same request again.
(function () {
  'use strict';

  // The pages' shared helpers (common.js): the element lookup, storage, ids and words for times.
  var page = window.SpillwayPage;
  var $ = page.$, read = page.read, write = page.write, forget = page.forget, randomUuid = page.randomUuid;
  var customerId = page.customerId, setText = page.setText, show = page.show, clock = page.clock;
  var duration = page.duration;

  var WORDS = { WAITING: 'Waiting', ADMITTED: 'Admitted', CLOSED: 'Closed' };
  var EVENTS = ['waiting', 'admitted', 'closed'];
  var REDIRECT_SECONDS = 5;
  var STREAM_REOPEN_MS = 3000;

  var roomId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
  var entryKey = 'spillway.entry.' + roomId;
  var config = { ingestUrl: '' };
  var stream = null;
  var sending = false;
  var redirectTimer = null;

  function confidenceInWords(confidence) {
    if (confidence >= 0.8) { return 'a fairly sure estimate'; }
    if (confidence >= 0.5) { return 'a rough estimate'; }
    return 'only a guess for now';
  }
  function entry() { return read(entryKey); }

  function setStatus(status, text) {
    document.body.setAttribute('data-status', status || '');
    setText('status-word', status ? WORDS[status] : 'Joining');
    setText('status-text', text);
  }

  // --- joining ---------------------------------------------------------------------------------

  function onJoin() {
    if (sending || entry()) { return; } // one entry per room, whatever the clicks
    show('form-message', false);
    var intended = { key: randomUuid() };
    write(entryKey, intended); // before the POST: a reload from here on resends this key
    join(intended, 0);
  }

  function join(intended, attempt) {
    sending = true;
    $('join').disabled = true;
    setStatus(null, 'Taking your place in the line\u2026');
    fetch(config.ingestUrl + '/api/v1/rooms/' + encodeURIComponent(roomId) + '/entries', {
      method: 'POST',
      headers: { 'Idempotency-Key': intended.key, 'X-Customer-Id': customerId() }
    }).then(function (response) {
      if (response.status === 202) {
        return response.json().then(function (accepted) {
          intended.entryId = accepted.entryId;
          intended.token = accepted.accessToken;
          write(entryKey, intended);
          sending = false;
          follow(intended);
        });
      }
      if (response.status === 429 || response.status >= 500) {
        return retryLater(intended, attempt, response.headers.get('Retry-After'));
      }
      // 400, 404, 409, 422: nothing was joined; the entry is forgotten and the problem shown.
      return response.json().catch(function () { return {}; }).then(function (problem) {
        forget(entryKey);
        sending = false;
        $('join').disabled = false;
        var wait = response.headers.get('Retry-After');
        refused((problem.detail || problem.title || 'The line could not be joined (HTTP ' + response.status + ').')
          + (wait ? ' Try again in ' + duration(Number(wait)) + '.' : ''));
      });
    }).catch(function () { return retryLater(intended, attempt, null); });
  }

  function retryLater(intended, attempt, retryAfter) {
    var seconds = retryAfter ? Number(retryAfter) : Math.min(15, Math.pow(2, attempt));
    setStatus(null, 'The door is busy; trying again in ' + duration(seconds) + '\u2026');
    setTimeout(function () { join(intended, attempt + 1); }, Math.max(1, seconds) * 1000);
  }

  function refused(message) {
    setStatus(null, 'You are not in line.');
    setText('status-word', 'Not in line');
    setText('form-message', message);
    show('form-message', true);
  }

  // --- following -------------------------------------------------------------------------------

  function follow(joined) {
    show('join', false);
    show('entry-ref', true);
    setText('entry-id', joined.entryId);
    if (stream) { stream.close(); }
    var url = '/api/v1/entries/' + encodeURIComponent(joined.entryId) + '/events?token=' + encodeURIComponent(joined.token);
    stream = new EventSource(url);
    EVENTS.forEach(function (name) {
      stream.addEventListener(name, function (event) {
        show('connection', false);
        render(JSON.parse(event.data));
      });
    });
    stream.onerror = function () {
      if (stream.readyState === EventSource.CONNECTING) {
        show('connection', true);
        return;
      }
      // Closed: after the terminal event, or the browser gave up (an error answer). Look again.
      var last = read(entryKey);
      if (last && last.final) { return; }
      show('connection', true);
      setTimeout(function () { var again = entry(); if (again && again.entryId) { follow(again); } }, STREAM_REOPEN_MS);
    };
  }

  function render(view) {
    var joined = entry() || {};
    if (view.status === 'WAITING') {
      renderWaiting(view.queue || {}, joined);
    } else if (view.status === 'ADMITTED') {
      joined.final = true;
      write(entryKey, joined);
      if (stream) { stream.close(); }
      renderAdmitted(view.admission);
    } else if (view.status === 'CLOSED') {
      joined.final = true;
      write(entryKey, joined);
      if (stream) { stream.close(); }
      show('queue', false);
      setStatus('CLOSED', 'The room closed before your turn came. The shop is not letting anyone else in.');
    }
  }

  function renderWaiting(queue, joined) {
    show('queue', true);
    var progress = $('queue-progress');
    if (queue.position == null) {
      progress.removeAttribute('value');
      setText('queue-position', queue.prequeue ? 'Your place is decided when the line opens.' : 'Finding your place\u2026');
      setStatus('WAITING', queue.prequeue ? 'You are in the pre-queue; the line forms when the room opens.'
        : 'You are in line.');
    } else {
      if (!joined.firstPosition || queue.position > joined.firstPosition) {
        joined.firstPosition = queue.position;
        write(entryKey, joined);
      }
      var done = joined.firstPosition > 1 ? (joined.firstPosition - queue.position) / (joined.firstPosition - 1) : 1;
      progress.value = Math.round(100 * Math.min(1, Math.max(0, done)));
      setText('queue-position', queue.position === 1 ? 'You are next.' : 'Your place in line: ' + queue.position + '.');
      setStatus('WAITING', 'You are in line. Keep this page open: it takes you to the shop when it is your turn.');
    }
    setText('queue-eta', queue.etaSeconds == null ? 'No estimate yet.'
      : 'About ' + duration(queue.etaSeconds) + ' (' + confidenceInWords(queue.confidence) + ').');
  }

  function renderAdmitted(admission) {
    show('queue', false);
    show('connection', false);
    setStatus('ADMITTED', 'It is your turn: go to the shop now.');
    show('admission', true);
    $('go').href = admission.url;
    if (admission.expiresAt) {
      setText('admission-expiry', 'Your pass is valid until ' + clock(admission.expiresAt) + '.');
    }
    if (redirectTimer) { return; }
    var left = REDIRECT_SECONDS;
    setText('redirect', 'Taking you there in ' + duration(left) + '\u2026');
    redirectTimer = setInterval(function () {
      left -= 1;
      if (left > 0) {
        setText('redirect', 'Taking you there in ' + duration(left) + '\u2026');
        return;
      }
      clearInterval(redirectTimer);
      setText('redirect', 'Taking you there now\u2026');
      location.assign(admission.url);
    }, 1000);
  }

  // --- start -----------------------------------------------------------------------------------

  function start() {
    setText('room-name', roomId);
    document.title = roomId + ' \u2014 waiting room';
    $('join').addEventListener('click', onJoin);
    var kept = entry();
    if (kept && kept.entryId) {
      follow(kept);
    } else if (kept && kept.key) {
      join(kept, 0); // a reload before the door answered: the same key again
    }
  }

  fetch('/page/config', { headers: { Accept: 'application/json' } })
    .then(function (response) { return response.ok ? response.json() : {}; })
    .catch(function () { return {}; })
    .then(function (loaded) { config.ingestUrl = loaded.ingestUrl || ''; start(); });
})();
