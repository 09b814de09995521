// Being in a room: joining, the waiting screen (clients), the session
// (tiles, own toggles, chat) and the moderator console (lobby with admit /
// deny / message, mute, remove, lock, incident, end); recording controls in
// rooms created "with consent" come from recording.js.

import { bind, duration, errorText, onLangChange, t } from './i18n.js';
import {
  $,
  announce,
  chime,
  confirmDialog,
  fieldError,
  formError,
  h,
  icon,
  setToggle,
  showScreen,
  toast,
} from './ui.js';
import { MediaSession } from './media.js';
import { receiveChat, renderChatState, sendChat } from './chat_panel.js';
import { renderLobby, setupMessageDialog, updateLobby } from './lobby_panel.js';
import { RecordingControls, clearDownload, showDownload } from './recording.js';
import { keyUsable, rotateAfterRemoval, startRoomE2ee } from './room_e2ee.js';
import { Tiles } from './tiles.js';
import { connectJanus, endKindForCode, setLeaveGuard, showEnd } from './app.js';
import { showPractitioner } from './practitioner.js';
import { showPrejoin } from './prejoin.js';

let app = null;
let room = null; // the current room state (one at a time)

export function initRoom(appState) {
  app = appState;
  onLangChange(() => {
    if (!room) return;
    if (!$('screen-waiting').hidden) renderWaitingPreview();
    renderSessionBar();
    renderControls();
    renderLobby(room, tick);
    room.tiles.refresh();
    renderChatState(room);
  });
  $('btn-mic').addEventListener('click', () => room && toggleMic());
  $('btn-cam').addEventListener('click', () => room && toggleCam());
  $('btn-chat').addEventListener('click', () => {
    $('chat-panel').scrollIntoView({ behavior: 'smooth', block: 'start' });
    const input = $('chat-input');
    if (!input.disabled) input.focus({ preventScroll: true });
    else {
      $('chat-title').setAttribute('tabindex', '-1');
      $('chat-title').focus({ preventScroll: true });
    }
  });
  $('btn-leave').addEventListener('click', () => room && (room.moderator ? endSession() : leaveSession()));
  $('btn-lock').addEventListener('click', () => room && toggleLock());
  $('btn-incident').addEventListener('click', () => room && reportIncident());
  $('lobby-chime').addEventListener('change', (e) => {
    if (room) room.knockChime = e.target.checked;
  });
  $('waiting-leave').addEventListener('click', () => room && leaveSession({ confirm: false }));
  // In the waiting room nothing is sent; the toggles only decide how the session starts.
  $('waiting-mic').addEventListener('click', () => app.local.setAudioOn(!app.local.audioOn));
  $('waiting-cam').addEventListener('click', async () => {
    $('waiting-cam').disabled = true;
    await app.local.setVideoOn(!app.local.videoOn);
    $('waiting-cam').disabled = false;
  });
  app.local.onChange(() => {
    if (!$('screen-waiting').hidden) renderWaitingPreview();
  });
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (room) sendChat(room, renderControls);
  });
  setInterval(tick, 1000);
  setupMessageDialog();
}

// ---------------------------------------------------------------------------
// Joining

export async function enterRoom({ display, password }) {
  const entry = app.entry;
  const moderator = entry.role === 'moderator';
  clearDownload();
  let counsel;
  try {
    counsel = await connectJanus();
  } catch {
    formError('prejoin-error', t('error.connection'));
    return;
  }
  const body = { request: 'join', room: entry.room, display };
  if (password) body.password = password;
  else body.token = entry.token;

  room = {
    counsel,
    moderator,
    selfId: null,
    title: '',
    e2ee: false,
    recordingMode: false, // created with recording "with_consent"
    recording: null, // RecordingControls while in the session
    crypto: null, // the E2EE session in e2ee rooms
    e2eeCode: null, // the short code everyone compares aloud
    expiresAt: null,
    locked: false,
    participants: [],
    lobby: [],
    lobbySeen: new Map(), // id -> display, for arrival cues
    knockChime: true, // the moderator's chime on arrivals (the server's default; a switch in the lobby panel)
    media: null,
    tiles: null,
    chatState: 'connecting',
    unread: 0,
    ended: false,
  };
  const current = room;
  counsel.on('event', ({ msg, jsep }) => current === room && onEvent(msg, jsep));
  counsel.on('lost', () => current === room && onLost());

  let answer;
  try {
    answer = (await counsel.request(body)).msg;
  } catch (err) {
    finish();
    // A password that is wrong (482) or cannot be one (481): say so at the field.
    if (err && (err.code === 482 || err.code === 481) && password) {
      fieldError('room-password', 'room-password-error', t('end.passwordWrong.text'));
      $('room-password').focus();
      return;
    }
    const kind = endKindForCode(err && err.code, { password: !!password, moderator });
    showEnd(kind, { actions: retryActions(kind), text: kind === 'error' ? errorText(err && err.code) : null });
    return;
  }
  if (answer.notice) app.notice = answer.notice;
  room.selfId = answer.id;
  if (answer.counsel === 'joined') {
    room.title = answer.title || '';
    room.locked = !!answer.locked;
    room.e2ee = !!answer.e2ee;
    room.recordingMode = answer.recording === 'with_consent';
    room.expiresAt = answer.expires_at || null;
    // Off by default under the KBV profile: no signal tones of further callers.
    room.knockChime = answer.knock_chime !== false;
    room.lobby = answer.lobby || [];
    for (const p of room.lobby) room.lobbySeen.set(p.id, p.display);
    startSession(answer.participants || []);
  } else if (answer.counsel === 'waiting') {
    showWaiting();
  } else {
    finish();
    showEnd('error', { textKey: 'error.unknown' });
  }
}

function retryActions(kind) {
  const again = { key: 'end.retry', primary: true, onClick: () => showPrejoin() };
  if (['tooMany', 'locked', 'inUse', 'unreachable', 'timeout', 'denied', 'lost', 'full', 'error', 'passwordWrong', 'left'].includes(kind)) {
    return [{ ...again, key: kind === 'left' || kind === 'lost' ? 'end.rejoin' : 'end.retry' }];
  }
  if (kind === 'seatTaken') return [again];
  return [];
}

// Leaves the room state: closes the connection, releases camera and microphone.
function finish() {
  if (!room) return;
  const r = room;
  room = null;
  r.ended = true;
  // The person's own recording link outlives the room on the end screen.
  showDownload(r.recording ? r.recording.downloadOffer() : null);
  if (r.recording) r.recording.close();
  if (r.media) r.media.close();
  if (r.crypto) r.crypto.close();
  r.counsel.close();
  $('tiles').replaceChildren();
  const empty = document.querySelector('.tiles-empty');
  if (empty) empty.remove();
  $('chat-log').replaceChildren();
  $('lobby-list').replaceChildren();
  document.title = t('app.title');
  for (const d of document.querySelectorAll('dialog[open]')) d.close('cancel');
}

function releaseDevices() {
  if (app.local) app.local.stop();
}

// ---------------------------------------------------------------------------
// Events from the plugin

function onEvent(msg, jsep) {
  if (room.media && room.media.handleEvent(msg, jsep)) return;
  if (room.recording && room.recording.handleEvent(msg)) return;
  switch (msg.counsel) {
    case 'message':
      showModeratorMessage(msg.text);
      break;
    case 'admitted':
      room.e2ee = !!msg.e2ee;
      room.recordingMode = msg.recording === 'with_consent';
      room.expiresAt = msg.expires_at || null;
      if (msg.id) room.selfId = msg.id;
      startSession(msg.participants || []);
      break;
    case 'participants':
      updateParticipants(msg.participants || []);
      break;
    case 'lobby':
      if (room.moderator) updateLobby(room, msg.waiting || [], tick);
      break;
    case 'muted':
      onMutedByModerator(msg.muted || {});
      break;
    case 'denied':
      terminal('denied');
      break;
    case 'removed':
      terminal('removed');
      break;
    case 'timeout':
      terminal('timeout');
      break;
    case 'ended':
      terminal(room.moderator ? 'endedModerator' : msg.reason === 'expired' ? 'endedExpired' : 'ended');
      break;
    default:
      break;
  }
}

function terminal(kind) {
  const moderator = room && room.moderator;
  finish();
  releaseDevices();
  const over = kind === 'ended' || kind === 'endedExpired' || kind === 'endedModerator';
  let actions;
  if (over && moderator) {
    // The moderator access died with the room.
    app.entry = null;
    setLeaveGuard(false);
    actions = [{ key: 'end.newSession', primary: true, onClick: () => showPractitioner() }];
  } else if (over || kind === 'removed') {
    actions = []; // the link is dead: nothing to try again
  } else {
    actions = retryActions(kind);
  }
  showEnd(kind, { actions });
}

function onLost() {
  const moderator = room && room.moderator;
  finish();
  const actions = [{ key: 'end.rejoin', primary: true, onClick: () => showPrejoin() }];
  showEnd('lost', { actions });
  if (moderator) setLeaveGuard(true);
}

// ---------------------------------------------------------------------------
// Waiting screen

function showWaiting() {
  $('waiting-message').hidden = true;
  $('waiting-message-text').textContent = '';
  if (app.notice) {
    delete $('waiting-notice').dataset.i18n;
    $('waiting-notice').textContent = app.notice;
  } else {
    bind($('waiting-notice'), 'prejoin.defaultNotice');
  }
  showScreen('screen-waiting');
  renderWaitingPreview();
}

function renderWaitingPreview() {
  const vt = app.local.videoTrack;
  const video = $('waiting-video');
  if (vt) {
    if (!video.srcObject || video.srcObject.getVideoTracks()[0] !== vt) {
      video.srcObject = new MediaStream([vt]);
      video.play().catch(() => {});
    }
  } else {
    video.srcObject = null;
  }
  video.hidden = !vt;
  $('waiting-video-off').hidden = !!vt;
  $('waiting-preview').setAttribute('aria-hidden', 'true');
  setToggle($('waiting-mic'), {
    on: app.local.audioOn && !!app.local.audioTrack,
    iconOn: 'mic',
    iconOff: 'mic-off',
    label: t('toggle.micLabel'),
    labelOn: t('toggle.micOn'),
    labelOff: t('toggle.micOff'),
  });
  $('waiting-mic').disabled = !app.local.audioTrack;
  setToggle($('waiting-cam'), {
    on: app.local.videoOn && !!vt,
    iconOn: 'cam',
    iconOff: 'cam-off',
    label: t('toggle.camLabel'),
    labelOn: t('toggle.camOn'),
    labelOff: t('toggle.camOff'),
  });
  $('waiting-cam').disabled = !app.local.hasCamera();
}

function showModeratorMessage(text) {
  if (typeof text !== 'string' || !text) return;
  $('waiting-message-text').textContent = text;
  $('waiting-message').hidden = false;
  chime({ tones: [587], volume: 0.08 });
}

// ---------------------------------------------------------------------------
// Session

function startSession(participants) {
  const r = room;
  r.participants = participants;
  r.tiles = new Tiles($('tiles'), {
    moderator: r.moderator,
    selfId: r.selfId,
    onMute: (p, kind, muted) => muteParticipant(p, kind, muted),
    onKick: (p) => kickParticipant(p),
  });
  $('moderator-tools').hidden = !r.moderator;
  $('lobby-panel').hidden = !r.moderator;
  $('lobby-chime').checked = r.knockChime;
  $('screen-session').dataset.role = r.moderator ? 'moderator' : 'client';
  $('session-banner').hidden = true;
  $('chat-log').replaceChildren();
  r.unread = 0;
  renderSessionBar();
  renderControls();
  renderLobby(r, tick);
  r.tiles.setParticipants(participants);
  r.tiles.setLocal({ stream: app.local.stream, audioOn: app.local.audioOn, videoOn: app.local.videoOn });
  r.chatState = 'connecting';
  renderChatState(room);
  if (r.recordingMode && !r.recording) r.recording = new RecordingControls(r.counsel, { moderator: r.moderator });
  showScreen('screen-session');
  startMedia(r).catch((err) => {
    console.error('media start failed', err);
    if (r === room) banner('session.mediaFailed');
  });
}

// The session's media (and, in e2ee rooms, its encryption first).
async function startMedia(r) {
  if (r.e2ee && !keyUsable(app.entry && app.entry.e2eeKey)) {
    // An e2ee room entered without its key: nothing could be read or sent.
    await r.counsel.request({ request: 'leave' }).catch(() => {});
    if (r !== room) return;
    finish();
    releaseDevices();
    showEnd('invalid', { actions: [] });
    return;
  }
  if (r.e2ee) {
    r.crypto = await startRoomE2ee({
      counsel: r.counsel,
      key: app.entry.e2eeKey,
      selfId: r.selfId,
      moderator: r.moderator,
      onChange: (s) => {
        if (r !== room || r.e2eeCode === s.code) return;
        r.e2eeCode = s.code;
        renderSessionBar();
      },
    });
    if (r !== room) {
      if (r.crypto) r.crypto.close();
      return;
    }
    if (r.crypto) {
      r.e2eeCode = r.crypto.state().code;
      r.crypto.setParticipants(r.participants);
      renderSessionBar();
    }
  }
  r.media = new MediaSession(r.counsel, app.local, {
    selfId: r.selfId,
    e2ee: r.e2ee,
    crypto: r.crypto,
    simulcast: app.simulcast,
    ui: {
      onTracks: (pid, tracks) => r === room && r.tiles.setTracks(pid, tracks),
      onChat: (from, text) => r === room && receiveChat(r, from, text, renderControls),
      onChatUnreadable: () => r === room && toast(t('chat.unreadable')),
      onChatState: (state) => {
        if (r !== room) return;
        r.chatState = state;
        renderChatState(room);
      },
      onError: (key) => r === room && banner(key),
    },
  });
  r.media.publish().then(async () => {
    if (r !== room) return;
    // Own toggles chosen before entering: tell the plugin.
    if (!app.local.audioOn || !app.local.videoTrack) {
      const body = { request: 'configure' };
      if (!app.local.audioOn) body.audio_muted = true;
      if (!app.local.videoTrack) body.video_muted = true;
      await r.counsel.request(body).catch(() => {});
    }
  });
}

function banner(key) {
  const el = $('session-banner');
  bind(el, key);
  el.hidden = false;
}

function renderSessionBar() {
  const r = room;
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
  tick();
}

function renderControls() {
  const r = room;
  if (!r) return;
  const me = r.participants.find((p) => p.id === r.selfId);
  const modMuted = (me && me.muted) || { audio: false, video: false };
  setToggle($('btn-mic'), {
    on: app.local.audioOn && !!app.local.audioTrack && !modMuted.audio,
    iconOn: 'mic',
    iconOff: 'mic-off',
    label: t('toggle.micLabel'),
    labelOn: t('toggle.micOn'),
    labelOff: modMuted.audio ? t('toggle.mutedByModerator') : t('toggle.micOff'),
  });
  $('btn-mic').disabled = !app.local.audioTrack;
  setToggle($('btn-cam'), {
    on: app.local.videoOn && !!app.local.videoTrack && !modMuted.video,
    iconOn: 'cam',
    iconOff: 'cam-off',
    label: t('toggle.camLabel'),
    labelOn: t('toggle.camOn'),
    labelOff: modMuted.video ? t('toggle.mutedByModerator') : t('toggle.camOff'),
  });
  $('btn-cam').disabled = !app.local.hasCamera();
  const chatBtn = $('btn-chat');
  chatBtn.replaceChildren(icon('chat'), h('span', { class: 'toggle-text', i18n: ['toggle.chat'] }));
  if (r.unread) chatBtn.append(h('span', { class: 'unread', text: String(r.unread) }));
  const leave = $('btn-leave');
  leave.replaceChildren(icon(r.moderator ? 'end' : 'leave'), h('span', { i18n: [r.moderator ? 'session.end' : 'session.leave'] }));
  bind($('controls'), null, { 'aria-label': 'session.controls' });
}

function tick() {
  const r = room;
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

function updateParticipants(list) {
  const r = room;
  const before = new Map(r.participants.map((p) => [p.id, p.display]));
  const after = new Map(list.map((p) => [p.id, p.display]));
  r.participants = list;
  if (r.tiles) r.tiles.setParticipants(list);
  if (r.crypto) r.crypto.setParticipants(list);
  renderControls();
  for (const [id, name] of after) if (!before.has(id) && id !== r.selfId) announce(t('session.joinedAnnounce', { name }));
  for (const [id, name] of before) if (!after.has(id) && id !== r.selfId) announce(t('session.leftAnnounce', { name }));
}

function onMutedByModerator(muted) {
  const r = room;
  const me = r.participants.find((p) => p.id === r.selfId);
  const prev = (me && me.muted) || { audio: false, video: false };
  if (me) me.muted = { audio: !!muted.audio, video: !!muted.video };
  if (!!muted.audio !== !!prev.audio) toast(t(muted.audio ? 'session.mutedAudio' : 'session.unmutedAudio'));
  if (!!muted.video !== !!prev.video) toast(t(muted.video ? 'session.mutedVideo' : 'session.unmutedVideo'));
  renderControls();
  if (r.tiles) r.tiles.setParticipants(r.participants);
}

async function toggleMic() {
  const r = room;
  const on = !app.local.audioOn;
  await r.media.setAudio(on);
  renderControls();
  r.tiles.setLocal({ stream: app.local.stream, audioOn: app.local.audioOn, videoOn: app.local.videoOn });
}

async function toggleCam() {
  const r = room;
  const btn = $('btn-cam');
  btn.disabled = true;
  try {
    await r.media.setVideo(!app.local.videoOn);
  } finally {
    btn.disabled = false;
  }
  if (r !== room) return;
  renderControls();
  r.tiles.setLocal({ stream: app.local.stream, audioOn: app.local.audioOn, videoOn: app.local.videoOn });
}

async function leaveSession({ confirm = true } = {}) {
  if (confirm) {
    const ok = await confirmDialog({
      title: t('session.leaveConfirmTitle'),
      text: t('session.leaveConfirmText'),
      confirm: t('session.leaveConfirm'),
    });
    if (!ok || !room) return;
  }
  try {
    await room.counsel.request({ request: 'leave' });
  } catch {
    // leaving anyway
  }
  if (!room) return;
  finish();
  releaseDevices();
  showEnd('left', { actions: retryActions('left') });
}

async function endSession() {
  const ok = await confirmDialog({
    title: t('session.endConfirmTitle'),
    text: t('session.endConfirmText'),
    confirm: t('session.endConfirm'),
  });
  if (!ok || !room) return;
  try {
    await room.counsel.request({ request: 'end' });
    if (room) terminal('endedModerator');
  } catch (err) {
    if (room) toast(errorText(err && err.code));
  }
}

async function toggleLock() {
  const r = room;
  try {
    const { msg } = await r.counsel.request({ request: r.locked ? 'unlock' : 'lock' });
    r.locked = !!msg.locked;
    renderSessionBar();
    announce(t(r.locked ? 'session.locked' : 'session.unlocked'));
  } catch (err) {
    toast(errorText(err && err.code));
  }
}

async function reportIncident() {
  const dlg = $('dlg-incident');
  const opener = document.activeElement;
  dlg.returnValue = '';
  dlg.showModal();
  $('incident-category').focus();
  await new Promise((resolve) => dlg.addEventListener('close', resolve, { once: true }));
  if (opener && opener.isConnected) opener.focus();
  if (dlg.returnValue !== 'ok' || !room) return;
  try {
    await room.counsel.request({ request: 'incident', category: $('incident-category').value });
    toast(t('session.incidentSent'));
  } catch (err) {
    toast(errorText(err && err.code));
  }
}

async function muteParticipant(p, kind, muted) {
  try {
    await room.counsel.request({ request: 'mute', id: p.id, [kind]: muted });
  } catch (err) {
    toast(errorText(err && err.code));
  }
}

async function kickParticipant(p) {
  const ok = await confirmDialog({
    title: t('tile.removeConfirmTitle', { name: p.display }),
    text: t('tile.removeConfirmText'),
    confirm: t('tile.removeConfirm'),
  });
  if (!ok || !room) return;
  try {
    await room.counsel.request({ request: 'kick', id: p.id });
    rotateAfterRemoval(room.crypto, p.id);
  } catch (err) {
    toast(errorText(err && err.code));
  }
}

document.addEventListener('focusin', (e) => {
  if (room && e.target === $('chat-input') && room.unread) {
    room.unread = 0;
    renderControls();
  }
});

