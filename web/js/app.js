// Entry point and the page's only router: loads the configuration, picks the
// first screen from the URL fragment (none: practitioner; #room=...: an
// invitee's link) and moves between screens with ctx.go(screen, params).
//
// Screens (js/screens/) each export { init(ctx), show(params) } and import no
// other screen; they reach each other only through ctx.go, and the table
// ROUTES below says which moves exist. ctx.state is the one app state.

import { applyI18n, bind, lang, setLang, t } from './i18n.js';
import { $, fillIcons } from './ui.js';
import { Counsel, janusAvailable } from './counsel.js';
import { parseFragment } from './links.js';
import { checkLink } from './link_check.js';
import { LocalMedia } from './local_media.js';
import { roomLoop } from './loops.js';
import * as practitioner from './screens/practitioner.js';
import * as prejoin from './screens/prejoin.js';
import * as room from './screens/room.js';
import * as end from './screens/end.js';

const SCREENS = { practitioner, prejoin, room, end };

// Which screen may lead to which (a move not listed here is a bug and throws).
//   practitioner: the form and the links; "enter as host" -> prejoin
//   prejoin: devices, name, notice; "enter" -> room
//   room: joining, waiting, the session; back to prejoin (wrong password,
//         no connection) or an end screen
//   end: "try again" / "enter again" -> prejoin, "new session" -> practitioner
const ROUTES = {
  start: ['practitioner', 'prejoin', 'end'],
  practitioner: ['prejoin'],
  prejoin: ['room'],
  room: ['prejoin', 'end'],
  end: ['prejoin', 'practitioner'],
};

const params = new URLSearchParams(location.search);

const state = {
  config: null,
  local: null, // LocalMedia, opened on the pre-join screen
  // What this tab is: { role: 'client', room, token, e2eeKey } or
  // { role: 'moderator', room, token, created, e2eeKey }. The moderator's
  // token lives here only (never in the URL or storage).
  entry: null,
  display: '',
  notice: null, // the plugin's notice, once a join answer brought it
  // ?debug=1: the page logs plugin messages to the console; ?debug=2: janus.js's own log too.
  debug: Number(params.get('debug')) || 0,
  // The camera goes out in three layers (simulcast) so each receiver gets what
  // its downlink carries; ?simulcast=0 sends one layer (diagnosis, weak senders).
  simulcast: params.get('simulcast') !== '0',
  // The others' streams on a receive-only PeerConnection of their own (docs/api.md
  // "Receiving handle"); ?receive=one keeps them on the publishing one (diagnosis, comparison).
  receiveApart: params.get('receive') !== 'one',
};

let current = 'start';

// Keeps the moderator from losing the (memory-only) moderator access by accident.
let guardLeave = false;
window.addEventListener('beforeunload', (event) => {
  if (!guardLeave) return;
  event.preventDefault();
  event.returnValue = t('links.leaveWarning');
});

const ctx = {
  state,
  // Shows `screen` (a key of SCREENS) with `params`; resolves when its show() does.
  go(screen, screenParams = {}) {
    if (!SCREENS[screen]) throw new Error(`no screen ${screen}`);
    if (!ROUTES[current].includes(screen)) throw new Error(`no way from ${current} to ${screen}`);
    current = screen;
    return SCREENS[screen].show(screenParams);
  },
  // A connection to Janus. When the server has Janus's token auth on,
  // config.json carries a signed token minted for this load; fetch a fresh one
  // for every connection, so a tab left open all day does not hold an expired one.
  // Its handles go to the loop of the room it is for (loops.js), if there is one.
  async connectJanus() {
    const cfg = state.config.token ? await loadConfig() : state.config;
    const loopIndex = roomLoop(state.entry && state.entry.room, cfg.loops);
    return Counsel.connect(cfg.janus, { debug: state.debug, iceServers: cfg.iceServers, token: cfg.token, loopIndex });
  },
  setLeaveGuard(on) {
    guardLeave = on;
  },
};

function setupLanguageSwitch() {
  const btn = $('lang-switch');
  const render = () => {
    const other = lang() === 'de' ? 'en' : 'de';
    btn.lang = other;
    bind(btn, 'lang.switch', { 'aria-label': 'lang.switchLabel' });
  };
  btn.addEventListener('click', () => {
    setLang(lang() === 'de' ? 'en' : 'de');
    render();
  });
  render();
}

async function loadConfig() {
  const res = await fetch('config.json', { cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new Error(`config.json: ${res.status}`);
  const cfg = await res.json();
  if (!cfg || typeof cfg.janus !== 'string') throw new Error('config.json has no janus URL');
  return cfg;
}

async function route() {
  const frag = parseFragment();
  if (frag === null) {
    state.entry = null;
    ctx.go('practitioner');
  } else if (frag.invalid) {
    ctx.go('end', { kind: 'invalid' });
  } else {
    state.entry = { role: 'client', room: frag.room, token: frag.token, e2eeKey: frag.e2ee };
    if (!frag.token) return ctx.go('prejoin'); // a password link: checked by its join
    const verdict = await checkLink(() => ctx.connectJanus(), state.entry);
    if (verdict.end) return ctx.go('end', { kind: verdict.end, actions: verdict.end === 'unreachable' ? ['reload'] : [] });
    if (verdict.notice) state.notice = verdict.notice;
    return ctx.go('prejoin');
  }
}

async function boot() {
  setLang('de');
  applyI18n(document);
  fillIcons(document);
  setupLanguageSwitch();
  end.init(ctx);
  if (!janusAvailable() || typeof window.RTCPeerConnection !== 'function') {
    ctx.go('end', { kind: 'browser' });
    return;
  }
  try {
    state.config = await loadConfig();
  } catch (err) {
    console.error(err);
    ctx.go('end', { kind: 'unreachable', actions: ['reload'] });
    return;
  }
  state.local = new LocalMedia();
  practitioner.init(ctx);
  prejoin.init(ctx);
  room.init(ctx);
  // Pasting another link into this tab: start over with it (nothing is kept).
  window.addEventListener('hashchange', () => {
    ctx.setLeaveGuard(false);
    location.reload();
  });
  await route();
}

boot().catch((err) => {
  console.error('boot failed', err);
  current = 'start';
  ctx.go('end', { kind: 'error', textKey: 'error.unknown' });
});
