// Helpers shared by the sale page (page.js) and the room page (room.js), loaded before either as
// window.SpillwayPage. Plain browser JavaScript, as they are. The storage falls back to memory where
// the browser refuses localStorage (a private window, a full quota): the page then works until a
// reload, which is all it can do.
(function () {
  'use strict';

  var memory = {};

  function $(id) { return document.getElementById(id); }

  function read(key) {
    var text;
    try { text = localStorage.getItem(key); } catch (e) { text = memory[key]; }
    if (text == null) { return null; }
    try { return JSON.parse(text); } catch (e) { return null; }
  }
  function write(key, value) {
    var text = JSON.stringify(value);
    try { localStorage.setItem(key, text); } catch (e) { memory[key] = text; }
  }
  function forget(key) {
    try { localStorage.removeItem(key); } catch (e) { /* memory only */ }
    delete memory[key];
  }

  function randomUuid() { // crypto.randomUUID needs a secure context; getRandomValues does not
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function customerId() {
    var id = read('spillway.customerId');
    if (typeof id !== 'string') {
      id = 'buyer-' + randomUuid();
      write('spillway.customerId', id);
    }
    return id;
  }

  function setText(id, text) { var el = $(id); if (el.textContent !== text) { el.textContent = text; } }
  function show(id, visible) { $(id).hidden = !visible; }
  function clock(iso) {
    var date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) { return seconds + (seconds === 1 ? ' second' : ' seconds'); }
    var minutes = Math.round(seconds / 60);
    if (minutes < 90) { return minutes + (minutes === 1 ? ' minute' : ' minutes'); }
    var hours = Math.round(minutes / 60);
    return hours + (hours === 1 ? ' hour' : ' hours');
  }

  window.SpillwayPage = {
    $: $, read: read, write: write, forget: forget, randomUuid: randomUuid, customerId: customerId,
    setText: setText, show: show, clock: clock, duration: duration
  };
})();
