// The session's bar and control row: title, protection badge (with the E2EE
// code everyone compares aloud), lock state, remaining time, the own
// microphone / camera / chat / leave buttons, the lobby's waiting times, and
// the banner for what went wrong with the media. Works on the room state the
// room screen passes in.

import { bind, duration, t } from '../i18n.js';
import { $, h, icon, setToggle } from '../ui.js';
import { renderFlip } from '../preview.js';

export function renderSessionBar(r) {
  if (!r) return;
  const title = $('session-title-text');
  if (r.moderator && r.title) {
    delete title.dataset.i18n;
    title.textContent = r.title;
  } else {
    bind(title, r.moderator ? 'session.untitled' : 'session.client');
  }
  const prot = $('session-protection');
  prot.replaceChildren(icon(r.e2ee ? 'lock' : 'shield'), h('span', { i18n: [r.e2ee ? 'session.e2ee' : 'session.transport'] }));
  if (r.e2ee && r.e2eeCode) {
    prot.append(h('span', { id: 'e2ee-code', class: 'e2ee-code', i18n: ['session.e2eeCode', { code: r.e2eeCode }] }));
    bind(prot, null, { title: ['session.e2eeCodeHelp'] });
  }
  prot.className = `badge ${r.e2ee ? 'badge-ok' : 'badge-neutral'}`;
  const lockBtn = $('btn-lock');
  lockBtn.replaceChildren(icon(r.locked ? 'unlock' : 'lock'), h('span', { i18n: [r.locked ? 'session.unlock' : 'session.lock'] }));
  const badge = $('locked-badge');
  badge.hidden = !r.locked;
  badge.replaceChildren(icon('lock'), h('span', { i18n: [r.locked ? 'session.locked' : 'session.unlocked'] }));
  tick(r);
}

// local: LocalMedia.
export function renderControls(r, local) {
  if (!r) return;
  const me = r.participants.find((p) => p.id === r.selfId);
  const modMuted = (me && me.muted) || { audio: false, video: false };
  setToggle($('btn-mic'), {
    on: local.audioOn && !!local.audioTrack && !modMuted.audio,
    iconOn: 'mic',
    iconOff: 'mic-off',
    label: t('toggle.micLabel'),
    labelOn: t('toggle.micOn'),
    labelOff: modMuted.audio ? t('toggle.mutedByModerator') : t('toggle.micOff'),
  });
  $('btn-mic').disabled = !local.audioTrack;
  setToggle($('btn-cam'), {
    on: local.videoOn && !!local.videoTrack && !modMuted.video,
    iconOn: 'cam',
    iconOff: 'cam-off',
    label: t('toggle.camLabel'),
    labelOn: t('toggle.camOn'),
    labelOff: modMuted.video ? t('toggle.mutedByModerator') : t('toggle.camOff'),
  });
  $('btn-cam').disabled = !local.hasCamera();
  renderFlip($('btn-flip'), local);
  const chatBtn = $('btn-chat');
  chatBtn.replaceChildren(icon('chat'), h('span', { class: 'toggle-text', i18n: ['toggle.chat'] }));
  if (r.unread) chatBtn.append(h('span', { class: 'unread', text: String(r.unread) }));
  const leave = $('btn-leave');
  leave.replaceChildren(icon(r.moderator ? 'end' : 'leave'), h('span', { i18n: [r.moderator ? 'session.end' : 'session.leave'] }));
  bind($('controls'), null, { 'aria-label': 'session.controls' });
}

// Once a second: the remaining time and, for the moderator, how long each person waits.
export function tick(r) {
  if (!r) return;
  const remainingEl = $('session-remaining');
  if (r.expiresAt && !$('screen-session').hidden) {
    const left = r.expiresAt - Date.now() / 1000;
    remainingEl.textContent = t(left < 300 ? 'session.endsSoon' : 'session.remaining', { time: duration(left) });
    remainingEl.classList.toggle('soon', left < 300);
  } else {
    remainingEl.textContent = '';
  }
  if (r.moderator) {
    for (const li of $('lobby-list').children) {
      const since = Number(li.dataset.since);
      const el = li.querySelector('.lobby-time');
      if (el && since) el.textContent = t('lobby.waitingFor', { time: duration(Date.now() / 1000 - since) });
    }
  }
}

export function banner(key) {
  const el = $('session-banner');
  bind(el, key);
  el.hidden = false;
}
