// VideoRoom page: Janus's own SFU as the reference the network tests compare
// counsel with. One publisher handle sends the fake camera (simulcast, as the
// counsel page does) and microphone into room ?room= (default 1234); every
// other publisher gets a subscriber handle of its own (a second PeerConnection,
// so Janus's NACK handling reaches what it receives), rendered by common.js.
//
// URL parameters (besides common.js's): room, name (display), simulcast=0.
'use strict';

(async function () {
  const { params, state, setPhase, fail } = window.e2ePage;
  const page = window.e2ePage;
  const room = Number(params.get('room') || 1234);
  const show = () => {
    document.getElementById('phase').textContent = state.phase + (state.error ? ` (error: ${state.error})` : '');
  };
  setInterval(show, 250);
  state.subscribed = [];
  try {
    await page.init();
    setPhase('connecting');
    const session = await page.connect();

    const subscribe = async (feed) => {
      if (state.subscribed.includes(feed)) return;
      state.subscribed.push(feed);
      const label = `sub-${feed}`;
      const sub = await page.attach(session, 'janus.plugin.videoroom', label, {
        onmessage: (msg, jsep, h) => {
          if (msg.error) fail(label, `${msg.error_code}: ${msg.error}`);
          if (!jsep || jsep.type !== 'offer') return;
          page
            .createAnswer(h, { jsep, tracks: [] })
            .then((answer) => page.send(h, { request: 'start', room }, answer))
            .catch((err) => fail(`${label} answer`, err));
        },
      });
      await page.send(sub, { request: 'join', room, ptype: 'subscriber', streams: [{ feed }] });
    };
    const seen = (msg) => {
      for (const p of msg.publishers || []) subscribe(p.id).catch((err) => fail('subscribe', err));
    };

    setPhase('joining');
    const pub = await page.attach(session, 'janus.plugin.videoroom', 'pub', {
      onmessage: (msg, jsep, h) => {
        if (msg.error) fail('pub', `${msg.error_code}: ${msg.error}`);
        seen(msg);
        if (msg.videoroom === 'joined') {
          const tracks = [
            { type: 'audio', capture: true, recv: false },
            { type: 'video', capture: true, recv: false, simulcast: params.get('simulcast') !== '0' },
          ];
          page
            .createOffer(h, { tracks })
            .then((offer) => page.send(h, { request: 'publish', audio: true, video: true }, offer))
            .then(() => setPhase('publishing'))
            .catch((err) => fail('publish', err));
        }
        if (jsep && jsep.type === 'answer') {
          page
            .handleRemoteJsep(h, jsep)
            .then(() => setPhase('published'))
            .catch((err) => fail('handleRemoteJsep', err));
        }
      },
    });
    await page.send(pub, { request: 'join', room, ptype: 'publisher', display: params.get('name') || 'e2e' });
  } catch (err) {
    fail(state.phase, err);
  }
})();
