// EchoTest through janus.js with web/e2ee/ doing the frame encryption the
// way the counsel page does (session.prepare before createOffer, session.seal
// after): the page's frames go to Janus encrypted and come back to the same
// page, which decrypts them as its own (participant id 777).
//
// URL parameters (besides common.js's): mode=script|encoded (default: best),
// codec=vp8|h264, owner=<participant id the echoed mids are said to come
// from> (default 777; another id = decrypting with another sender's key).
import { E2EE } from '/web/e2ee/index.js';

const page = window.e2ePage;
const { params, state, setPhase, fail } = page;
const SELF = 777;
setInterval(() => {
  document.getElementById('phase').textContent = state.phase + (state.error ? ` (error: ${state.error})` : '');
}, 250);

try {
  await page.init();
  setPhase('keys');
  const key = await E2EE.createRoomKey();
  const session = await E2EE.start({ key, selfId: SELF, role: 'participant', send: () => {}, mode: params.get('mode') || undefined });
  state.e2ee = { mode: session.mode, code: session.state().code, sentJsep: null, stats: null };
  setInterval(async () => {
    try {
      state.e2ee.stats = await session.stats();
    } catch (err) {
      fail('e2ee stats', err);
    }
  }, 300);
  setPhase('connecting');
  const janus = await page.connect();
  const handle = await page.attach(janus, 'janus.plugin.echotest', 'echo', {
    onmessage: (msg, jsep, h) => {
      if (msg.error) fail('echotest', `${msg.error_code}: ${msg.error}`);
      if (jsep) page.handleRemoteJsep(h, jsep).then(() => setPhase('answered')).catch((err) => fail('handleRemoteJsep', err));
    },
  });
  const video = { type: 'video', capture: true, recv: true };
  if (params.get('codec')) video.codec = params.get('codec');
  const options = session.prepare({ tracks: [{ type: 'audio', capture: true, recv: true }, video] }, handle);
  setPhase('offering');
  const offer = await page.createOffer(handle, options);
  const pc = handle.webrtcStuff.pc;
  session.seal(offer, pc);
  const owner = Number(params.get('owner') || SELF);
  session.setStreams(pc.getTransceivers().map((t) => ({ mid: t.mid, id: owner, kind: t.receiver.track.kind })));
  state.e2ee.sentJsep = { type: offer.type, e2ee: offer.e2ee === true, pcInsertable: !!pc.getConfiguration().encodedInsertableStreams };
  await page.send(handle, { audio: true, video: true }, offer);
  if (state.phase === 'offering') setPhase('offered');
  window.echo = { handle, session };
} catch (err) {
  fail(state.phase, err);
}
