// One person in a recording room, for recording.test.js: the media page
// (counsel_media.js, window.counsel) plus a timestamped record of what the
// plugin says about recording: every {counsel:"recording"} (the indicator:
// state, pending, reason), {counsel:"consent_request"} and {counsel:"ended"}, with
// the browser's clock (Date.now(), the same clock as the test's on this machine).
//
//   testState.recording = { events: [{ t, counsel, state, pending, reason }], state }
//
// Load after common.js and before counsel_media.js: it wraps e2ePage.attach
// to see every plugin message first.
'use strict';

(function () {
  const page = window.e2ePage;
  const rec = { events: [], state: 'off' };
  page.state.recording = rec;
  const KINDS = new Set(['recording', 'consent_request', 'ended']);
  const attach = page.attach;
  page.attach = (session, plugin, label, callbacks = {}) =>
    attach(session, plugin, label, {
      ...callbacks,
      onmessage: (msg, jsep, handle) => {
        if (msg && KINDS.has(msg.counsel)) {
          rec.events.push({ t: Date.now(), counsel: msg.counsel, state: msg.state, pending: msg.pending, reason: msg.reason });
          if (msg.counsel === 'recording') {
            rec.state = msg.state;
            const el = document.getElementById('recording');
            if (el) el.textContent = `${msg.state} (${msg.pending} pending)`;
          }
        }
        if (callbacks.onmessage) callbacks.onmessage(msg, jsep, handle);
      },
    });
})();
