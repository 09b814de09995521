// EchoTest page: one handle on janus.plugin.echotest that sends the fake
// camera and microphone and renders what Janus echoes back.
//
// URL parameters (besides common.js's): audio=0 / video=0 leave that kind out,
// codec=<vp8|h264|vp9|av1> asks Chromium for that video codec.
'use strict';

(async function () {
  const { params, state, setPhase, fail } = window.e2ePage;
  const page = window.e2ePage;
  const show = () => {
    document.getElementById('phase').textContent = state.phase + (state.error ? ` (error: ${state.error})` : '');
  };
  setInterval(show, 250);
  try {
    await page.init();
    setPhase('connecting');
    const session = await page.connect();
    setPhase('attaching');
    const handle = await page.attach(session, 'janus.plugin.echotest', 'echo', {
      onmessage: (msg, jsep, h) => {
        if (msg.error) fail('echotest', `${msg.error_code}: ${msg.error}`);
        if (jsep) {
          page
            .handleRemoteJsep(h, jsep)
            .then(() => setPhase('answered'))
            .catch((err) => fail('handleRemoteJsep', err));
        }
      },
    });
    const tracks = [];
    if (params.get('audio') !== '0') tracks.push({ type: 'audio', capture: true, recv: true });
    if (params.get('video') !== '0') {
      const video = { type: 'video', capture: true, recv: true };
      if (params.get('codec')) video.codec = params.get('codec');
      tracks.push(video);
    }
    setPhase('offering');
    const jsep = await page.createOffer(handle, { tracks });
    const body = { audio: params.get('audio') !== '0', video: params.get('video') !== '0' };
    await page.send(handle, body, jsep);
    if (state.phase === 'offering') setPhase('offered');
    window.echoHandle = handle;
  } catch (err) {
    fail(state.phase, err);
  }
})();
