// One person in a counsel room, driven by media.test.js through window.counsel.
// The page follows the plugin's media protocol (docs/api.md, "Media"):
//   - counsel.publish(...) sends {request:"publish"} with a JSEP offer of the
//     page's own tracks (sendonly) and a data channel; the plugin answers
//     {counsel:"published"} + JSEP answer;
//   - plugin offers ({counsel:"media", streams:[{mid,id,kind}]} + JSEP offer)
//     are answered automatically with createAnswer({ jsep }) (no tracks) and
//     {request:"answer"}; streams[] tells which participant each mid carries;
//   - chat arrives on the data channel as {"from":id,"text":"..."}.
//
//   counsel.request(body)        -> the plugin's reply to it
//   counsel.publish(opts)        -> the reply to publish (opts: audio, video, data, simulcast, e2ee)
//   counsel.chat(text) / counsel.chatBinary(bytes)
//   counsel.info()               -> { mids: {mid: {id, kind}}, chats: [...], errors: [...], answered, offers, ... }
//
// URL parameters (besides common.js's): label=<name shown, artifacts>
import { restoreRidExtensions } from '/web/js/sdp_rid.js';

(async function () {
  const page = window.e2ePage;
  const { state, setPhase, fail, event } = page;
  const label = page.showLabelAndPhase();

  // Replies to requests, in order; everything else is an event.
  const REPLIES = new Set(['created', 'joined', 'waiting', 'resumed', 'ok', 'error', 'published', 'left']);
  const waiters = [];
  const info = {
    mids: {}, // mid -> { id, kind }: from the last {counsel:"media"}
    mediaEvents: 0,
    offers: 0,
    answered: 0,
    answerReplies: 0,
    chats: [], // data channel messages received (parsed)
    errors: [], // unsolicited errors ({counsel:"error"} while no request was waiting)
    events: [], // counsel kinds of unsolicited events, in order
    dataOpen: false,
    published: null,
  };
  state.counsel = info;
  let handle = null;
  let expectAnswerReplies = 0;
  let holding = false; // counsel.holdAnswers(true): plugin offers wait until released
  const held = [];

  // The page's own fix for the rid header extensions Janus 1.1.2 drops from
  // plugin offers (web/js/sdp_rid.js; docs/api.md, "Media").
  function localSdp() {
    const pc = handle && handle.webrtcStuff && handle.webrtcStuff.pc;
    return pc && pc.localDescription ? pc.localDescription.sdp : '';
  }

  function onMessage(msg, jsep, h) {
    const kind = msg.counsel;
    if (jsep && jsep.type === 'offer') {
      // A plugin offer: who is on which mid, then answer without tracks.
      info.offers += 1;
      info.offerE2ee = info.offerE2ee || [];
      info.offerE2ee.push(!!jsep.e2ee);
      if (kind === 'media' && Array.isArray(msg.streams)) {
        info.mediaEvents += 1;
        const mids = {};
        for (const s of msg.streams) mids[s.mid] = { id: s.id, kind: s.kind };
        info.mids = mids;
      }
      expectAnswerReplies += 1;
      const offer = { ...jsep, sdp: restoreRidExtensions(jsep.sdp, localSdp()) };
      const answerIt = () =>
        page
          .createAnswer(h, { jsep: offer })
          .then((answer) => page.send(h, { request: 'answer' }, answer))
          .then(() => {
            info.answered += 1;
            event(label, 'answered plugin offer');
          })
          .catch((err) => fail('answer plugin offer', err));
      if (holding) held.push(answerIt);
      else answerIt();
      return;
    }
    if (jsep && jsep.type === 'answer') {
      page.handleRemoteJsep(h, jsep).catch((err) => fail('handleRemoteJsep', err));
    }
    if (kind === 'ok' && msg.request === 'answer' && expectAnswerReplies > 0) {
      expectAnswerReplies -= 1;
      info.answerReplies += 1;
      return;
    }
    if (REPLIES.has(kind) && waiters.length > 0) {
      waiters.shift()({ msg, jsepType: jsep ? jsep.type : null, e2ee: !!(jsep && jsep.e2ee) });
      return;
    }
    if (kind === 'error') info.errors.push(msg);
    info.events.push(kind);
  }

  try {
    await page.init();
    setPhase('connecting');
    const session = await page.connect();
    handle = await page.attach(session, 'janus.plugin.counsel', 'c', { onmessage: onMessage });
    // janus.js looks ondata/ondataopen up on the handle at call time.
    handle.ondata = (data, dcLabel) => {
      let parsed = null;
      try {
        parsed = JSON.parse(data);
      } catch {
        parsed = { raw: String(data).slice(0, 200) };
      }
      info.chats.push({ label: dcLabel, ...parsed });
    };
    handle.ondataopen = () => {
      info.dataOpen = true;
    };
    setPhase('attached');
  } catch (err) {
    fail(state.phase, err);
  }

  const reply = () => new Promise((resolve) => waiters.push(resolve));

  window.counsel = {
    async request(body) {
      const r = reply();
      await page.send(handle, body);
      return r;
    },
    // Own tracks sendonly (the plugin answers recvonly), plus a data channel.
    // `again`: a later offer on the same PeerConnection, nothing captured anew.
    // `noCodec`: Opus, VP8 and H.264 renamed in the offer (nothing usable is left).
    async publish({ audio = true, video = true, data = true, simulcast = false, e2ee = false, again = false, noCodec = false } = {}) {
      const tracks = [];
      if (audio) tracks.push({ type: 'audio', capture: true, recv: false });
      if (video) tracks.push({ type: 'video', capture: true, recv: false, simulcast });
      if (data) tracks.push({ type: 'data' });
      let offer = await page.createOffer(handle, again ? {} : { tracks });
      if (noCodec) offer = { ...offer, sdp: offer.sdp.replace(/ (opus|VP8|H264)\//g, ' X$1/') };
      // The e2ee flag alone (no insertable streams): enough for negotiation checks.
      const jsep = e2ee ? { ...offer, e2ee: true } : offer;
      const r = reply();
      await page.send(handle, { request: 'publish' }, jsep);
      const res = await r;
      if (res.msg.counsel === 'published') info.published = res.msg;
      return res;
    },
    holdAnswers(on) {
      holding = on;
      if (!on) while (held.length) held.shift()();
    },
    chat(text) {
      return new Promise((resolve, reject) => handle.data({ text, success: resolve, error: reject }));
    },
    chatBinary(bytes) {
      const dc = handle.webrtcStuff.dataChannel[Janus.dataChanDefaultLabel];
      dc.send(new Uint8Array(bytes).buffer);
    },
    info: () => JSON.parse(JSON.stringify(info)),
    // Samples the inbound counters of `mids` every `everyMs` for `ms`:
    // [{ t (epoch ms), mid, framesDecoded, packetsReceived }] (none once a receiver is gone).
    async watchInbound(mids, ms, everyMs = 50) {
      const pc = handle.webrtcStuff.pc;
      const out = [];
      const end = Date.now() + ms;
      while (Date.now() < end) {
        for (const t of pc.getTransceivers()) {
          if (!mids.includes(t.mid) || t.currentDirection === 'stopped') continue;
          const report = await t.receiver.getStats();
          report.forEach((r) => {
            if (r.type === 'inbound-rtp')
              out.push({ t: Date.now(), mid: t.mid, framesDecoded: r.framesDecoded || 0, packetsReceived: r.packetsReceived || 0 });
          });
        }
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
      return out;
    },
    sdp() {
      const pc = handle.webrtcStuff.pc;
      return pc ? { local: pc.localDescription && pc.localDescription.sdp, remote: pc.remoteDescription && pc.remoteDescription.sdp } : null;
    },
  };
})();
