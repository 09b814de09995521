// A bare handle on any plugin (?plugin=janus.plugin.x), driven by the test
// through window.plugin — the starting point of the counsel media tests:
//
//   await plugin.request({ request: 'create', ... })  -> the next plugin message (and its jsep type)
//   await plugin.publish({ request: '...' }, tracks)   -> createOffer(tracks) + send body with the offer
//   plugin.messages()                                  -> every plugin message so far [{ msg, jsepType }]
//
// Remote offers (plugin-initiated renegotiation) are answered automatically
// with createAnswer({ jsep }) and no tracks (keeps local tracks; see README.md,
// "janus.js renegotiation notes"), then sent back with body ?answer_body= (JSON,
// default {"request":"answer"}). Remote answers go to handleRemoteJsep.
'use strict';

(async function () {
  const page = window.e2ePage;
  const { params, state, setPhase, fail, event } = page;
  const plugin = params.get('plugin');
  const answerBody = JSON.parse(params.get('answer_body') || '{"request":"answer"}');
  document.getElementById('plugin').textContent = plugin;
  setInterval(() => {
    document.getElementById('phase').textContent = state.phase + (state.error ? ` (error: ${state.error})` : '');
  }, 250);
  const waiters = [];
  const all = [];
  let handle = null;
  state.answered = 0;
  try {
    if (!plugin) throw new Error('no ?plugin= parameter');
    await page.init();
    setPhase('connecting');
    const session = await page.connect();
    handle = await page.attach(session, plugin, 'h', {
      onmessage: (msg, jsep, h) => {
        all.push({ msg, jsepType: jsep ? jsep.type : null });
        const w = waiters.shift();
        if (w) w({ msg, jsepType: jsep ? jsep.type : null });
        if (jsep && jsep.type === 'answer') {
          page.handleRemoteJsep(h, jsep).catch((err) => fail('handleRemoteJsep', err));
        } else if (jsep && jsep.type === 'offer') {
          page
            .createAnswer(h, { jsep })
            .then((answer) => page.send(h, answerBody, answer))
            .then(() => {
              state.answered += 1;
              event('h', 'answered remote offer');
            })
            .catch((err) => fail('answer remote offer', err));
        }
      },
    });
    setPhase('attached');
  } catch (err) {
    fail(state.phase, err);
  }
  const next = () => new Promise((resolve) => waiters.push(resolve));
  window.plugin = {
    async request(body) {
      const reply = next();
      await page.send(handle, body);
      return reply;
    },
    async publish(body, tracks) {
      const offer = await page.createOffer(handle, { tracks });
      const reply = next();
      await page.send(handle, body, offer);
      return reply;
    },
    messages: () => all,
  };
})();
