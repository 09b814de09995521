// One person in an e2ee counsel room, with web/e2ee/ doing what the web page
// must do (web/e2ee/README.md, "Integration"): the room key from the link's
// #fragment (k=...), E2EE.start() once the own participant id is known,
// session.prepare()/seal() around every createOffer/createAnswer, the plugin's
// `streams` and `participants` lists handed to the session, data-channel
// messages through session.handleData(), chat through session.encryptChat().
// Driven by e2ee_counsel.test.js through window.person. URL parameters
// (besides common.js's): label, mode=script|encoded (default: the best).
//
//   person.createKey()          moderator: a new room key -> { k } for the links
//   person.request(body)        -> the plugin's reply
//   person.start({ selfId, role })
//   person.publish({ simulcast })
//   person.chat(text) / person.rotate(excludeIds)
//   person.info()               -> { mids, e2ee: state, stats, chats, rejected, ... }
//
// The media protocol is the plugin's (docs/api.md, "Media"): {request:"publish"}
// + offer -> {counsel:"published", streams} + answer; {counsel:"media",
// streams} + offer -> answer + {request:"answer"}.
import { E2EE } from '/web/e2ee/index.js';
import { restoreRidExtensions } from '/web/js/sdp_rid.js';

const page = window.e2ePage;
const { params, state, setPhase, fail, event } = page;
const label = page.showLabelAndPhase();

const REPLIES = new Set(['created', 'joined', 'waiting', 'ok', 'error', 'published', 'left']);
const waiters = [];
const info = {
  mids: {},
  offers: 0,
  offersE2ee: [],
  answered: 0,
  chats: [], // decrypted chat: { from, text, kid }
  rejected: [], // data messages the session rejected: { from, reason }
  controls: 0,
  dataOpen: false,
  events: [],
  errors: [],
  participants: [],
  publishedE2ee: null,
};
state.person = info;
let handle = null;
let session = null;
let createdKey = null;
let streams = [];
let participants = [];
let offers = Promise.resolve();

function setStreams(list) {
  if (!Array.isArray(list)) return;
  streams = list;
  const mids = {};
  for (const s of list) mids[s.mid] = { id: s.id, kind: s.kind };
  info.mids = mids;
  if (session) session.setStreams(list);
}

function setParticipants(list) {
  if (!Array.isArray(list)) return;
  participants = list;
  info.participants = list.map((p) => ({ id: p.id, role: p.role }));
  if (session) session.setParticipants(list);
}

async function answerOffer(jsep) {
  const pc = handle.webrtcStuff && handle.webrtcStuff.pc;
  const local = pc && pc.localDescription ? pc.localDescription.sdp : '';
  const options = { jsep: { ...jsep, sdp: restoreRidExtensions(jsep.sdp, local) } };
  session.prepare(options, handle);
  const answer = await page.createAnswer(handle, options);
  session.seal(answer, handle.webrtcStuff.pc);
  await page.send(handle, { request: 'answer' }, answer);
  info.answered += 1;
}

function onMessage(msg, jsep) {
  const kind = msg.counsel;
  if (msg.participants) setParticipants(msg.participants);
  if (jsep && jsep.type === 'offer') {
    info.offers += 1;
    info.offersE2ee.push(!!jsep.e2ee);
    if (Array.isArray(msg.streams)) setStreams(msg.streams);
    offers = offers.then(() => answerOffer(jsep)).catch((err) => fail('answer plugin offer', err));
    return;
  }
  if (jsep && jsep.type === 'answer') page.handleRemoteJsep(handle, jsep).catch((err) => fail('handleRemoteJsep', err));
  if (kind === 'published' && Array.isArray(msg.streams)) setStreams(msg.streams);
  if (kind === 'ok' && msg.request === 'answer') return;
  if (REPLIES.has(kind) && waiters.length > 0) {
    waiters.shift()({ msg, jsepType: jsep ? jsep.type : null, e2ee: !!(jsep && jsep.e2ee) });
    return;
  }
  if (kind === 'error') info.errors.push(msg);
  info.events.push(kind);
}

async function onData(data) {
  let parsed;
  try {
    parsed = JSON.parse(data);
  } catch {
    info.rejected.push({ from: null, reason: 'not json' });
    return;
  }
  if (!session) return;
  const r = await session.handleData(parsed.from, parsed.text);
  if (r.type === 'chat') info.chats.push({ from: r.from, text: r.text, kid: r.kid });
  else if (r.type === 'rejected') info.rejected.push({ from: r.from, reason: r.reason });
  else info.controls += 1;
}

try {
  await page.init();
  setPhase('connecting');
  const janus = await page.connect();
  handle = await page.attach(janus, 'janus.plugin.counsel', 'c', { onmessage: (msg, jsep) => onMessage(msg, jsep) });
  handle.ondata = (data) => {
    onData(data).catch((err) => fail('data', err));
  };
  handle.ondataopen = () => {
    info.dataOpen = true;
    if (session) session.channelOpen().catch((err) => fail('channelOpen', err));
  };
  setPhase('attached');
} catch (err) {
  fail(state.phase, err);
}

const reply = () => new Promise((resolve) => waiters.push(resolve));

window.person = {
  async createKey() {
    createdKey = await E2EE.createRoomKey();
    return E2EE.linkParams();
  },
  async request(body) {
    const r = reply();
    await page.send(handle, body);
    return r;
  },
  async start({ selfId, role }) {
    const key = createdKey || E2EE.fromFragment(location.hash);
    if (!key || key.invalid) throw new Error('no room key in the fragment');
    session = await E2EE.start({
      key,
      selfId,
      role,
      send: (text) => new Promise((resolve, reject) => handle.data({ text, success: resolve, error: reject })),
      onChange: (s) => {
        info.e2ee = s;
        document.getElementById('code').textContent = `${s.code} (key ${s.kid})`;
      },
      updateUrl: true,
      mode: params.get('mode') || undefined,
    });
    info.e2ee = session.state();
    document.getElementById('lock').textContent = '🔒';
    setParticipants(participants);
    setStreams(streams);
    if (info.dataOpen) await session.channelOpen();
    setInterval(async () => {
      try {
        info.stats = await session.stats();
      } catch (err) {
        fail('e2ee stats', err);
      }
    }, 300);
    return session.state();
  },
  async publish({ simulcast = true } = {}) {
    const tracks = [
      { type: 'audio', capture: true, recv: false },
      { type: 'video', capture: true, recv: false, simulcast },
      { type: 'data' },
    ];
    const options = session.prepare({ tracks }, handle);
    const offer = await page.createOffer(handle, options);
    session.seal(offer, handle.webrtcStuff.pc);
    const r = reply();
    await page.send(handle, { request: 'publish' }, offer);
    const res = await r;
    info.publishedE2ee = res.e2ee;
    return res;
  },
  async chat(text) {
    const t = await session.encryptChat(text);
    await new Promise((resolve, reject) => handle.data({ text: t, success: resolve, error: reject }));
  },
  rotate(exclude) {
    return session.rotate({ exclude });
  },
  fragment: () => location.hash,
  info: () => JSON.parse(JSON.stringify(info)),
};
event(label, 'person ready');
