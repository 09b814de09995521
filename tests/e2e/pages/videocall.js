// VideoCall page, used to check how janus.js 1.1.2 answers a *remote* offer on
// a handle that already sends local tracks (the situation of a page whose
// plugin sends offers to an existing PeerConnection). Janus's VideoCall plugin
// forwards one peer's renegotiation offer to the other as an `update` event.
//
// URL parameters (besides common.js's):
//   name=<username>            register under this name
//   answer=none|recapture      how the callee answers an `update` offer:
//                              none: createAnswer({ jsep }) without tracks (keeps the local tracks)
//                              recapture: the upstream demo's tracks [{audio, capture}, {video, capture}]
//
// The test drives it through window.vc: call(peer[, tracks]), addVideo(), removeVideo(mid), reuseVideo(mid),
// stopTransceiver(mid), relay({audio, video}), summary().
'use strict';

(async function () {
  const page = window.e2ePage;
  const { params, state, setPhase, fail, event } = page;
  const name = params.get('name') || 'user';
  const answerMode = params.get('answer') || 'none';
  document.getElementById('name').textContent = name;
  setInterval(() => {
    document.getElementById('phase').textContent = state.phase + (state.error ? ` (error: ${state.error})` : '');
  }, 250);
  state.answers = []; // one entry per answered update offer
  state.updates = 0;
  let handle = null;
  let registered = null;

  const localSummary = () => {
    const pc = handle.webrtcStuff.pc;
    return {
      senders: pc.getSenders().filter((s) => s.track).map((s) => s.track.kind),
      transceivers: pc.getTransceivers().map((t) => ({ mid: t.mid, kind: t.receiver.track.kind, direction: t.direction, currentDirection: t.currentDirection, sending: !!t.sender.track })),
      localTracks: handle.getLocalTracks(),
    };
  };

  async function onUpdate(jsep, h) {
    state.updates += 1;
    if (jsep.type === 'answer') {
      await page.handleRemoteJsep(h, jsep);
      event('vc', 'update answer applied');
      return;
    }
    const before = localSummary();
    const options = { jsep };
    if (answerMode === 'recapture') {
      options.tracks = [
        { type: 'audio', capture: true, recv: true },
        { type: 'video', capture: true, recv: true },
      ];
    }
    const answer = await page.createAnswer(h, options);
    await page.send(h, { request: 'set' }, answer);
    state.answers.push({ mode: answerMode, before, after: localSummary(), answerSdp: answer.sdp });
    event('vc', 'update offer answered', { mode: answerMode });
  }

  try {
    await page.init();
    setPhase('connecting');
    const session = await page.connect();
    handle = await page.attach(session, 'janus.plugin.videocall', 'vc', {
      onmessage: (msg, jsep, h) => {
        const result = msg.result || {};
        if (msg.error) return fail('videocall', `${msg.error_code}: ${msg.error}`);
        if (result.event === 'registered') {
          registered();
          return;
        }
        if (result.event === 'incomingcall') {
          setPhase('answering');
          page
            .createAnswer(h, {
              jsep,
              tracks: [
                { type: 'audio', capture: true, recv: true },
                { type: 'video', capture: true, recv: true },
              ],
            })
            .then((answer) => page.send(h, { request: 'accept' }, answer))
            .then(() => setPhase('in call'))
            .catch((err) => fail('accept', err));
          return;
        }
        if (result.event === 'accepted') {
          if (jsep) {
            page
              .handleRemoteJsep(h, jsep)
              .then(() => setPhase('in call'))
              .catch((err) => fail('accepted', err));
          }
          return;
        }
        if (result.event === 'update' && jsep) {
          onUpdate(jsep, h).catch((err) => fail('update', err));
          return;
        }
        if (result.event === 'hangup') {
          setPhase('hung up');
        }
      },
    });
    setPhase('registering');
    await new Promise((resolve) => {
      registered = resolve;
      page.send(handle, { request: 'register', username: name }).catch((err) => fail('register', err));
    });
    setPhase('registered');
  } catch (err) {
    fail(state.phase, err);
  }

  // Renegotiation from this side: a new offer through 'set'; the answer comes back as an 'update'.
  async function renegotiate(tracks) {
    const offer = await page.createOffer(handle, tracks ? { tracks } : {});
    await page.send(handle, { request: 'set' }, offer);
    return offer.sdp;
  }

  window.vc = {
    summary: localSummary,
    async call(peer, tracks) {
      setPhase('calling');
      const offer = await page.createOffer(handle, {
        tracks: tracks || [
          { type: 'audio', capture: true, recv: true },
          { type: 'video', capture: true, recv: true },
        ],
      });
      await page.send(handle, { request: 'call', username: peer }, offer);
    },
    // A second camera track (the fake device again) on a new m-line.
    addVideo: () => renegotiate([{ type: 'video', capture: true, recv: true }]),
    // Stops sending on `mid` (janus.js: sender.replaceTrack(null), direction recvonly).
    removeVideo: (mid) => renegotiate([{ type: 'video', mid, remove: true }]),
    // What VideoCall relays from this side to the peer (server-side drop, like a moderator's mute).
    relay: (media) => page.send(handle, Object.assign({ request: 'set' }, media)),
    // Sends a fresh camera track on the existing (earlier removed) m-line `mid` again.
    reuseVideo: (mid) => renegotiate([{ type: 'video', mid, capture: true, replace: true }]),
    // Stops the transceiver of `mid`: the next offer carries that m-line with port 0.
    stopTransceiver: (mid) => {
      handle.webrtcStuff.pc.getTransceivers().find((t) => t.mid === mid).stop();
      return renegotiate();
    },
  };
})();
