// The end screens: one sentence for every way a visit can end (denied,
// removed, ended, link not valid, wrong password, locked, ...), never a code,
// and the one or two ways on from there.
//
//   ctx.go('end', { kind, actions: ['retry' | 'rejoin' | 'newSession' | 'reload'], text, textKey })

import { bind } from '../i18n.js';
import { $, h, setIcon, showScreen } from '../ui.js';

// kind -> icon, title and text keys.
const ENDS = {
  denied: ['door', 'end.denied.title', 'end.denied.text'],
  deniedFinal: ['door', 'end.deniedFinal.title', 'end.deniedFinal.text'],
  removed: ['door', 'end.removed.title', 'end.removed.text'],
  ended: ['check', 'end.ended.title', 'end.ended.text'],
  endedExpired: ['check', 'end.ended.title', 'end.endedExpired.text'],
  endedModerator: ['check', 'end.endedModerator.title', 'end.endedModerator.text'],
  invalid: ['warn', 'end.invalid.title', 'end.invalid.text'],
  incomplete: ['warn', 'end.incomplete.title', 'end.incomplete.text'],
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

let ctx = null;

// Action name -> the button's text key and where it leads.
const ACTIONS = {
  retry: { key: 'end.retry', run: () => ctx.go('prejoin') },
  rejoin: { key: 'end.rejoin', run: () => ctx.go('prejoin') },
  newSession: { key: 'end.newSession', run: () => ctx.go('practitioner') },
  reload: { key: 'end.retry', run: () => location.reload() },
};

export function init(context) {
  ctx = context;
}

// text / textKey override the kind's sentence; the first action is the primary one.
export function show({ kind, actions = [], text = null, textKey = null } = {}) {
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
    ...actions.map((name, i) => {
      const a = ACTIONS[name];
      return h('button', { type: 'button', class: i === 0 ? 'primary' : 'secondary', i18n: [a.key], onclick: a.run });
    }),
  );
  box.hidden = actions.length === 0;
  showScreen('screen-end');
}
