// Shared helpers of the e2e test pages (load after adapter.js and janus.js).
//
// Promise wrappers around janus.js, and window.testState, the page's state as
// the test polls it (plain JSON):
//
//   testState = {
//     phase: 'loading' | ... (set by the page script),
//     error: null | 'where: message'      (first error; the harness fails on it),
//     handles: { <label>: { plugin, id, webrtcUp, iceState, hangup,
//                           localTracks:  { <mid|trackId>: { kind, on, id, label } },
//                           remoteTracks: { <mid>: { kind, on, id, ons, offs } },
//                           media: { <mid>: { type, receiving } }, slowLink, messages: [last 50 plugin messages] } },
//     events: [{ t, label, ev, ... }]   (last 300, for post-mortems)
//   }
//
// URL parameters: server (Janus WebSocket URL, required), debug=1 (janus.js
// logs everything to the console, which the harness records).
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  const state = {
    phase: 'loading',
    error: null,
    handles: {},
    events: [],
  };
  window.testState = state;

  function event(label, ev, detail) {
    state.events.push(Object.assign({ t: Date.now(), label, ev }, detail || {}));
    if (state.events.length > 300) state.events.splice(0, state.events.length - 300);
  }

  function fail(where, err) {
    const text = `${where}: ${err && err.message ? err.message : typeof err === 'string' ? err : JSON.stringify(err)}`;
    if (!state.error) state.error = text;
    event('page', 'error', { text });
    console.error(text);
  }

  function setPhase(phase) {
    state.phase = phase;
    event('page', 'phase', { phase });
  }

  function init() {
    return new Promise((resolve) => {
      Janus.init({
        debug: params.get('debug') === '1' ? 'all' : ['warn', 'error'],
        dependencies: Janus.useDefaultDependencies({ adapter: window.adapter }),
        callback: resolve,
      });
    });
  }

  // A connected Janus session.
  function connect(server) {
    server = server || params.get('server');
    if (!server) return Promise.reject(new Error('no ?server= parameter'));
    return new Promise((resolve, reject) => {
      let session = null;
      session = new Janus({
        server,
        success: () => resolve(session),
        error: (err) => {
          reject(new Error(`janus session: ${err}`));
          if (session) fail('janus session', err);
        },
        destroyed: () => event('page', 'session destroyed'),
      });
    });
  }

  // Element that renders the remote track of handle `label`, mid `mid`.
  function mediaElement(label, mid, kind) {
    const id = `remote-${label}-${mid}`;
    let el = document.getElementById(id);
    if (!el) {
      el = document.createElement(kind === 'video' ? 'video' : 'audio');
      el.id = id;
      el.autoplay = true;
      el.playsInline = true;
      if (kind === 'video') {
        el.muted = true;
        el.width = 320;
        el.height = 240;
      }
      el.dataset.label = label;
      el.dataset.mid = mid;
      (document.getElementById('remote') || document.body).appendChild(el);
    }
    return el;
  }

  // Attaches to `plugin`; the handle's state lives in testState.handles[label].
  // callbacks: onmessage(msg, jsep, handle), onremotetrack(track, mid, on, handle),
  // onlocaltrack(track, on, handle), oncleanup(handle) — all optional.
  function attach(session, plugin, label, callbacks) {
    callbacks = callbacks || {};
    const hs = {
      plugin,
      id: null,
      webrtcUp: false,
      iceState: null,
      hangup: null,
      localTracks: {},
      remoteTracks: {},
      media: {},
      slowLink: null,
      messages: [],
    };
    state.handles[label] = hs;
    return new Promise((resolve, reject) => {
      let handle = null;
      session.attach({
        plugin,
        opaqueId: `e2e-${label}-${Janus.randomString(8)}`,
        success: (h) => {
          handle = h;
          hs.id = h.getId();
          event(label, 'attached', { plugin });
          resolve(h);
        },
        error: (err) => {
          reject(new Error(`attach ${plugin}: ${err}`));
        },
        iceState: (s) => {
          hs.iceState = s;
          event(label, 'iceState', { state: s });
        },
        webrtcState: (up, reason) => {
          hs.webrtcUp = up;
          if (!up) hs.hangup = reason || 'hangup';
          event(label, 'webrtcState', { up, reason });
        },
        mediaState: (type, receiving, mid) => {
          hs.media[mid === undefined ? type : mid] = { type, receiving };
          event(label, 'mediaState', { type, receiving, mid });
        },
        slowLink: (uplink, lost, mid) => {
          hs.slowLink = { uplink, lost, mid };
          event(label, 'slowLink', { uplink, lost, mid });
        },
        onmessage: (msg, jsep) => {
          hs.messages.push({ msg, jsepType: jsep ? jsep.type : null });
          if (hs.messages.length > 50) hs.messages.shift();
          event(label, 'message', { jsepType: jsep ? jsep.type : null });
          try {
            if (callbacks.onmessage) callbacks.onmessage(msg, jsep, handle);
          } catch (err) {
            fail(`${label} onmessage`, err);
          }
        },
        onlocaltrack: (track, on) => {
          const key = track.id;
          hs.localTracks[key] = { kind: track.kind, on, id: track.id, label: track.label };
          event(label, 'localtrack', { kind: track.kind, on, id: track.id });
          if (callbacks.onlocaltrack) callbacks.onlocaltrack(track, on, handle);
        },
        onremotetrack: (track, mid, on) => {
          const prev = hs.remoteTracks[mid] || { ons: 0, offs: 0 };
          hs.remoteTracks[mid] = {
            kind: track.kind,
            on,
            id: track.id,
            ons: prev.ons + (on ? 1 : 0),
            offs: prev.offs + (on ? 0 : 1),
          };
          event(label, 'remotetrack', { kind: track.kind, mid, on, id: track.id });
          if (on) {
            const el = mediaElement(label, mid, track.kind);
            el.srcObject = new MediaStream([track]);
            el.play().catch(() => {});
          } else {
            const el = document.getElementById(`remote-${label}-${mid}`);
            if (el) el.remove();
          }
          if (callbacks.onremotetrack) callbacks.onremotetrack(track, mid, on, handle);
        },
        oncleanup: () => {
          event(label, 'cleanup');
          hs.webrtcUp = false;
          if (callbacks.oncleanup) callbacks.oncleanup(handle);
        },
        ondetached: () => event(label, 'detached'),
      });
    });
  }

  function createOffer(handle, options) {
    return new Promise((resolve, reject) => {
      handle.createOffer(Object.assign({}, options, { success: resolve, error: (e) => reject(new Error(`createOffer: ${e}`)) }));
    });
  }

  function createAnswer(handle, options) {
    return new Promise((resolve, reject) => {
      handle.createAnswer(Object.assign({}, options, { success: resolve, error: (e) => reject(new Error(`createAnswer: ${e}`)) }));
    });
  }

  function handleRemoteJsep(handle, jsep) {
    return new Promise((resolve, reject) => {
      handle.handleRemoteJsep({ jsep, success: resolve, error: (e) => reject(new Error(`handleRemoteJsep: ${e}`)) });
    });
  }

  // Sends a plugin message (with an optional jsep); resolves when Janus acked it.
  function send(handle, message, jsep) {
    return new Promise((resolve, reject) => {
      const req = { message, success: resolve, error: (e) => reject(new Error(`send ${JSON.stringify(message)}: ${e}`)) };
      if (jsep) req.jsep = jsep;
      handle.send(req);
    });
  }

  // Shows ?label= (default "person") in #label and the phase, with the first
  // error, in #phase; returns the label.
  function showLabelAndPhase() {
    const label = params.get('label') || 'person';
    document.getElementById('label').textContent = label;
    setInterval(() => {
      document.getElementById('phase').textContent = state.phase + (state.error ? ` (error: ${state.error})` : '');
    }, 250);
    return label;
  }

  window.e2ePage = {
    params, state, event, fail, setPhase, showLabelAndPhase, init, connect, attach, createOffer, createAnswer, handleRemoteJsep, send,
  };
  window.addEventListener('error', (e) => fail('window', e.error || e.message));
  window.addEventListener('unhandledrejection', (e) => fail('unhandled rejection', e.reason));
})();
