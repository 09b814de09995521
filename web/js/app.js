// Entry point: loads the configuration, picks the screen from the URL
// fragment (none: practitioner; #room=...: an invitee's link) and owns the
// end screens. Screens: practitioner.js, prejoin.js, room.js.

import { applyI18n, bind, lang, setLang, t } from './i18n.js';
import { $, fillIcons, h, setIcon, showScreen } from './ui.js';
import { Counsel, janusAvailable } from './counsel.js';
import { parseFragment } from './links.js';
import { LocalMedia } from './media.js';
import { initPractitioner, showPractitioner } from './practitioner.js';
import { initPrejoin, showPrejoin } from './prejoin.js';
import { initRoom } from './room.js';

export const app = {
  config: null,
  local: null, // LocalMedia, opened on the pre-join screen
  // What this tab is: { role: 'client', room, token } or { role: 'moderator', room, token, created }.
  // The moderator's token lives here only (never in the URL or storage).
  entry: null,
  display: '',
  notice: null, // the plugin's notice, once a join answer brought it
  // ?debug=1: the page logs plugin messages to the console; ?debug=2: janus.js's own log too.
  debug: Number(new URLSearchParams(location.search).get('debug')) || 0,
  // The camera goes out in three layers (simulcast) so each receiver gets what
  // its downlink carries; ?simulcast=0 sends one layer (diagnosis, weak senders).
  simulcast: new URLSearchParams(location.search).get('simulcast') !== '0',
};

// Keeps the moderator from losing the (memory-only) moderator access by accident.
let guardLeave = false;
export function setLeaveGuard(on) {
  guardLeave = on;
}
window.addEventListener('beforeunload', (event) => {
  if (!guardLeave) return;
  event.preventDefault();
  event.returnValue = t('links.leaveWarning');
});

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

// End screens: kind -> icon, title and text keys.
const ENDS = {
  denied: ['door', 'end.denied.title', 'end.denied.text'],
  removed: ['door', 'end.removed.title', 'end.removed.text'],
  ended: ['check', 'end.ended.title', 'end.ended.text'],
  endedExpired: ['check', 'end.ended.title', 'end.endedExpired.text'],
  endedModerator: ['check', 'end.endedModerator.title', 'end.endedModerator.text'],
  invalid: ['warn', 'end.invalid.title', 'end.invalid.text'],
  passwordWrong: ['warn', 'end.passwordWrong.title', 'end.passwordWrong.text'],
  tooMany: ['wait', 'end.tooMany.title', 'end.tooMany.text'],
  locked: ['lock', 'end.locked.title', 'end.locked.text'],
  inUse: ['warn', 'end.inUse.title', 'end.inUse.text'],
  full: ['warn', 'end.full.title', 'end.full.text'],
  timeout: ['wait', 'end.timeout.title', 'end.timeout.text'],
  left: ['door', 'end.left.title', 'end.left.text'],
  lost: ['warn', 'end.lost.title', 'end.lost.text'],
  unreachable: ['warn', 'end.unreachable.title', 'end.unreachable.text'],
  seatTaken: ['warn', 'end.seatTaken.title', 'end.seatTaken.text'],
  browser: ['warn', 'end.browser.title', 'end.browser.text'],
  error: ['warn', 'end.error.title', null],
};

// Shows an end screen. actions: [{ key, primary, onClick }]; textKey/text override the text.
export function showEnd(kind, { actions = [], text = null, textKey = null } = {}) {
  const [iconName, titleKey, defaultText] = ENDS[kind] || ENDS.error;
  const screen = $('screen-end');
  screen.dataset.kind = kind;
  setIcon($('end-icon'), iconName);
  $('end-icon').className = `end-icon icon-slot end-${iconName}`;
  bind($('end-title'), titleKey);
  const textEl = $('end-text');
  if (text !== null) {
    delete textEl.dataset.i18n;
    textEl.textContent = text;
  } else {
    bind(textEl, textKey || defaultText || 'error.unknown');
  }
  const box = $('end-actions');
  box.replaceChildren(
    ...actions.map((a) => h('button', { type: 'button', class: a.primary ? 'primary' : 'secondary', i18n: [a.key], onclick: a.onClick })),
  );
  box.hidden = actions.length === 0;
  showScreen('screen-end');
}

// The end screen of a failed join, by plugin error code.
export function endKindForCode(code, { password = false, moderator = false } = {}) {
  switch (code) {
    case 482:
      return password ? 'passwordWrong' : 'invalid';
    case 483:
      return 'ended';
    case 484:
      return moderator ? 'seatTaken' : 'invalid';
    case 485:
      return 'locked';
    case 486:
      return 'tooMany';
    case 489:
      return 'full';
    case 490:
      return 'inUse';
    case 'connection':
    case 'timeout':
      return 'unreachable';
    default:
      return 'error';
  }
}

async function loadConfig() {
  const res = await fetch('config.json', { cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new Error(`config.json: ${res.status}`);
  const cfg = await res.json();
  if (!cfg || typeof cfg.janus !== 'string') throw new Error('config.json has no janus URL');
  return cfg;
}

// A connection to Janus. When the server has Janus's token auth on, config.json
// carries a signed token minted for this load; fetch a fresh one for every
// connection, so a tab left open all day does not hold an expired one.
export async function connectJanus() {
  const cfg = app.config.token ? await loadConfig() : app.config;
  return Counsel.connect(cfg.janus, { debug: app.debug, iceServers: cfg.iceServers, token: cfg.token });
}

function route() {
  const frag = parseFragment();
  if (frag === null) {
    app.entry = null;
    showPractitioner();
  } else if (frag.invalid) {
    showEnd('invalid');
  } else {
    app.entry = { role: 'client', room: frag.room, token: frag.token, e2eeKey: frag.e2ee };
    showPrejoin();
  }
}

async function boot() {
  setLang('de');
  applyI18n(document);
  fillIcons(document);
  setupLanguageSwitch();
  if (!janusAvailable() || typeof window.RTCPeerConnection !== 'function') {
    showEnd('browser');
    return;
  }
  try {
    app.config = await loadConfig();
  } catch (err) {
    console.error(err);
    showEnd('unreachable', { actions: [{ key: 'end.retry', primary: true, onClick: () => location.reload() }] });
    return;
  }
  app.local = new LocalMedia();
  initPractitioner(app);
  initPrejoin(app);
  initRoom(app);
  // Pasting another link into this tab: start over with it (nothing is kept).
  window.addEventListener('hashchange', () => {
    setLeaveGuard(false);
    location.reload();
  });
  route();
}

boot().catch((err) => {
  console.error('boot failed', err);
  showEnd('error', { textKey: 'error.unknown' });
});
