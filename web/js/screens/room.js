// Being in a room: joining, the waiting screen (clients), the session (tiles,
// own toggles, chat) and the moderator console. The panels live in js/room/:
// waiting.js, bar.js (title, badges, controls), tiles.js, chat.js, lobby.js
// (admit / deny / message), host.js (lock, incident, mute, remove),
// recording.js (rooms created "with consent"), e2ee.js, reconnect.js (staying
// in the room when the network drops) and link_quality.js. This file owns the
// room state and the plugin's events, and leaves through ctx.go: to an end
// screen, or back to the pre-join screen when the join could not happen.
//
//   ctx.go('room', { display, password })   // from the pre-join screen

import { errorText, onLangChange, t } from '../i18n.js';
import { $, announce, confirmDialog, showScreen, toast } from '../ui.js';
import { missingVideoCodecs } from '../local_media.js';
import { MediaSession } from '../media.js';
import { ERR, EVENT, deniedFinal, endKindForCode } from '../protocol.js';
import { banner, renderControls as renderControlsOf, renderSessionBar as renderSessionBarOf, tick as tickOf } from '../room/bar.js';
import { receiveChat, renderChatState, sendChat } from '../room/chat.js';
import { keyUsable, startSeatE2ee } from '../room/e2ee.js';
import { kickParticipant, muteParticipant, reportIncident, toggleLock } from '../room/host.js';
import { renderLobby, setupMessageDialog, updateLobby } from '../room/lobby.js';
import { LinkQuality, renderLinkHint } from '../room/link_quality.js';
import { Reconnector } from '../room/reconnect.js';
import { RecordingControls, clearDownload, showDownload } from '../room/recording.js';
import { Tiles } from '../room/tiles.js';
import { renderWaitingPreview, showModeratorMessage, showWaiting } from '../room/waiting.js';

let ctx = null;
let app = null; // ctx.state
let room = null; // the current room state (one at a time)

const renderSessionBar = () => renderSessionBarOf(room);
const renderControls = () => renderControlsOf(room, app.local);
const tick = () => tickOf(room);

export function init(context) {
  ctx = context;
  app = ctx.state;
  onLangChange(() => {
    if (!room) return;
    if (!$('screen-waiting').hidden) renderWaitingPreview(app.local);
    renderSessionBar();
    renderControls();
    renderLobby(room, tick);
    room.tiles.refresh();
    renderChatState(room);
  });
  $('btn-mic').addEventListener('click', () => room && toggleMic());
  $('btn-cam').addEventListener('click', () => room && toggleCam());
  $('btn-flip').addEventListener('click', () => room && room.media && switchCamera());
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
  $('btn-lock').addEventListener('click', () => room && toggleLock(room, renderSessionBar));
  $('btn-incident').addEventListener('click', () => room && reportIncident(room));
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
  $('waiting-flip').addEventListener('click', async () => {
    $('waiting-flip').disabled = true;
    await app.local.switchCamera().catch(() => {});
    $('waiting-flip').disabled = false;
  });
  app.local.onChange(() => {
    if (!$('screen-waiting').hidden) renderWaitingPreview(app.local);
  });
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (room) sendChat(room, renderControls);
  });
  document.addEventListener('focusin', (e) => {
    if (room && e.target === $('chat-input') && room.unread) {
      room.unread = 0;
      renderControls();
    }
  });
  setInterval(tick, 1000);
  setupMessageDialog();
  // Closing the tab or navigating away: say goodbye, so the seat does not
  // wait reconnect_grace_s for a connection that will not come back.
  window.addEventListener('pagehide', () => room && room.counsel.leaveNow());
  $('link-hint-action').addEventListener('click', () => room && toggleReceiveVideo(room));
}

// ---------------------------------------------------------------------------
// Joining

export async function show({ display, password }) {
  const entry = app.entry;
  const moderator = entry.role === 'moderator';
  clearDownload();
  let counsel;
  try {
    counsel = await ctx.connectJanus();
  } catch {
    await ctx.go('prejoin', { error: 'error.connection' });
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
    cryptoStart: null, // its start (startCrypto), from the waiting room on
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
    pictureCheck: null, // timer of checkPictures()
    joinBody: body, // for coming back after a dropped connection
    resume: null, // the seat's resume secret (from `waiting` / `joined`)
    graceS: 0, // how long the seat waits for us (reconnect_grace_s)
    reconnect: null, // Reconnector
    link: null, // LinkQuality while in the session
    linkPoor: false,
    receiveVideo: true, // false: the others' sound only (own choice on a poor link)
  };
  wire(room, counsel);
  room.reconnect = new Reconnector(room, reconnectHooks(room));

  let answer;
  try {
    answer = (await counsel.request(body)).msg;
  } catch (err) {
    finish();
    // A password that is wrong or cannot be one: say so at the field.
    if (err && (err.code === ERR.UNAUTHORIZED || err.code === ERR.INVALID) && password) {
      await ctx.go('prejoin', { passwordWrong: true });
      return;
    }
    const kind = endKindForCode(err && err.code, { password: !!password, moderator });
    ctx.go('end', { kind, actions: retryActions(kind), text: kind === 'error' ? errorText(err && err.code) : null });
    return;
  }
  if (answer.notice) app.notice = answer.notice;
  room.selfId = answer.id;
  room.resume = answer.resume || null;
  room.graceS = answer.reconnect_grace_s || 0;
  if (answer.counsel === EVENT.JOINED) {
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
  } else if (answer.counsel === EVENT.WAITING) {
    if (answer.e2ee && !keyUsable(app.entry && app.entry.e2eeKey)) {
      // Knocked without a peek (a password link) and has no key: leave at once,
      // before admission could bring the participant list.
      await counsel.request({ request: 'leave' }).catch(() => {});
      endWithoutKey();
      return;
    }
    showWaiting(app.local, app.notice);
    if (answer.e2ee) startCrypto(room).catch((err) => console.error('e2ee', err));
  } else {
    finish();
    ctx.go('end', { kind: 'error', textKey: 'error.unknown' });
  }
}

// What the end screen offers after `kind` (the end screen's action names).
function retryActions(kind) {
  if (kind === 'left' || kind === 'lost') return ['rejoin'];
  if (['tooMany', 'locked', 'inUse', 'unreachable', 'timeout', 'denied', 'full', 'error', 'passwordWrong', 'seatTaken'].includes(kind)) return ['retry'];
  return [];
}

// The plugin's events and the connection's loss, for this room and this connection only.
function wire(r, counsel) {
  counsel.on('event', ({ msg, jsep }) => r === room && r.counsel === counsel && onEvent(msg, jsep));
  counsel.on('lost', (detail) => r === room && r.counsel === counsel && r.reconnect.lost(detail));
}

// What the Reconnector needs of the room (see room/reconnect.js).
function reconnectHooks(r) {
  return {
    connect: () => ctx.connectJanus(),
    joinBody: () => r.joinBody,
    onResumed: (answer, counsel) => (r === room ? resumed(r, answer, counsel) : undefined),
    onWaiting: (answer, counsel) => r === room && waitingAgain(r, answer, counsel),
    onRefused: (code) => r === room && terminal(code === 482 ? 'removed' : endKindForCode(code, { moderator: r.moderator })),
    onLost: () => r === room && onLost(),
  };
}

// A new connection (Janus session and handle) replaces the dead one.
function adopt(r, counsel) {
  const old = r.counsel;
  r.counsel = counsel;
  wire(r, counsel);
  if (r.media) r.media.close();
  r.media = null;
  if (r.crypto) r.crypto.channelClosed();
  old.close();
}

// Back in the seat after a dropped connection: what happened meanwhile
// (mutes, who is there, the lobby) is taken from the answer; on a new
// connection the media starts afresh, on the same one the own state is said again.
async function resumed(r, answer, counsel) {
  r.resume = answer.resume || r.resume;
  if (typeof answer.reconnect_grace_s === 'number') r.graceS = answer.reconnect_grace_s;
  if (counsel) adopt(r, counsel);
  r.receiveVideo = answer.receive_video !== false;
  if (!r.tiles) {
    // Admitted while the page was cut off.
    onEvent({ ...answer, counsel: EVENT.ADMITTED }, null);
    return;
  }
  const me = (answer.participants || []).find((p) => p.id === r.selfId);
  if (me) onMutedByModerator(me.muted || {});
  updateParticipants(answer.participants || []);
  if (r.moderator) {
    r.locked = !!answer.locked;
    if (answer.lobby) updateLobby(r, answer.lobby, tick);
    renderSessionBar();
  }
  renderLinkHint({ poor: r.linkPoor, receiveVideo: r.receiveVideo });
  if (counsel) {
    await restartMedia(r);
  } else {
    await r.counsel
      .request({ request: 'configure', audio_muted: !app.local.audioOn, video_muted: !(app.local.videoOn && app.local.videoTrack) })
      .catch(() => {});
  }
}

// The seat was gone when the page came back (the window ended): the lobby again.
function waitingAgain(r, answer, counsel) {
  if (counsel) adopt(r, counsel);
  r.selfId = answer.id;
  r.resume = answer.resume || null;
  if (!r.tiles) return; // it was waiting anyway
  if (r.link) r.link.stop();
  r.link = null;
  if (r.crypto) r.crypto.close();
  r.crypto = null;
  r.cryptoStart = null;
  if (r.recording) r.recording.close();
  r.recording = null;
  r.tiles = null;
  $('tiles').replaceChildren();
  $('chat-log').replaceChildren();
  showWaiting(app.local, app.notice);
}

// A new PeerConnection for the session, on a new handle.
async function restartMedia(r) {
  if (r.media) r.media.close();
  r.media = null;
  for (const p of r.participants) if (p.id !== r.selfId) r.tiles.setTracks(p.id, { audio: null, video: null });
  if (r.link) r.link.reset();
  await startMedia(r);
}

async function toggleReceiveVideo(r) {
  if (!r.media) return;
  const next = !r.receiveVideo;
  try {
    await r.media.setReceiveVideo(next);
  } catch (err) {
    toast(errorText(err && err.code));
    return;
  }
  r.receiveVideo = next;
  if (next && r.link) r.link.reset();
  renderLinkHint({ poor: next ? false : r.linkPoor, receiveVideo: next });
  if (next) r.linkPoor = false;
}

// Leaves the room state: closes the connection, releases camera and microphone.
function finish() {
  if (!room) return;
  const r = room;
  room = null;
  r.ended = true;
  if (r.reconnect) r.reconnect.close();
  if (r.link) r.link.stop();
  renderLinkHint({ poor: false, receiveVideo: true });
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
    case EVENT.MESSAGE:
      showModeratorMessage(msg.text);
      break;
    case EVENT.ADMITTED:
      room.e2ee = !!msg.e2ee;
      room.recordingMode = msg.recording === 'with_consent';
      room.expiresAt = msg.expires_at || null;
      if (msg.id) room.selfId = msg.id;
      startSession(msg.participants || []);
      break;
    case EVENT.PARTICIPANTS:
      updateParticipants(msg.participants || []);
      break;
    case EVENT.LOBBY:
      if (room.moderator) updateLobby(room, msg.waiting || [], tick);
      break;
    case EVENT.MUTED:
      onMutedByModerator(msg.muted || {});
      break;
    case EVENT.DENIED:
      // "Not at all": the link is burned, so no "try again".
      terminal(deniedFinal(msg) ? 'deniedFinal' : 'denied');
      break;
    case EVENT.REMOVED:
      terminal('removed');
      break;
    case EVENT.TIMEOUT:
      terminal('timeout');
      break;
    case EVENT.ENDED:
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
    ctx.setLeaveGuard(false);
    actions = ['newSession'];
  } else if (over || kind === 'removed') {
    actions = []; // the link is dead: nothing to try again
  } else {
    actions = retryActions(kind);
  }
  ctx.go('end', { kind, actions });
}

function onLost() {
  const moderator = room && room.moderator;
  finish();
  releaseDevices(); // "rejoin" opens them again on the pre-join screen
  ctx.go('end', { kind: 'lost', actions: ['rejoin'] });
  if (moderator) ctx.setLeaveGuard(true);
}

// ---------------------------------------------------------------------------
// Session

function startSession(participants) {
  const r = room;
  r.participants = participants;
  r.tiles = new Tiles($('tiles'), {
    moderator: r.moderator,
    selfId: r.selfId,
    onMute: (p, kind, muted) => muteParticipant(r, p, kind, muted),
    onKick: (p) => kickParticipant(r, p),
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
  r.tiles.setLocal(localView());
  r.chatState = 'connecting';
  renderChatState(room);
  if (r.recordingMode && !r.recording) r.recording = new RecordingControls(r.counsel, { moderator: r.moderator });
  showScreen('screen-session');
  if (!r.link) {
    r.link = new LinkQuality(
      () => (r.media ? r.media.receivingPc() : null),
      (poor) => {
        if (r !== room) return;
        r.linkPoor = poor;
        renderLinkHint({ poor, receiveVideo: r.receiveVideo });
      },
    );
  }
  startMedia(r).catch((err) => {
    console.error('media start failed', err);
    if (r === room) banner('session.mediaFailed');
  });
}

// An e2ee room entered from a link without its key: nothing could be read or
// sent, and the link must be asked for again.
function endWithoutKey() {
  finish();
  releaseDevices();
  ctx.go('end', { kind: 'incomplete' });
}

// The room's E2EE session for seat `r` (room/e2ee.js): started in the waiting
// room already, else when the session starts.
function startCrypto(r) {
  return startSeatE2ee(r, {
    key: app.entry.e2eeKey,
    isCurrent: () => r === room && !r.ended,
    onCode: (code) => {
      if (r.e2eeCode === code) return;
      r.e2eeCode = code;
      renderSessionBar();
    },
  });
}

// The session's media (and, in e2ee rooms, its encryption first).
async function startMedia(r) {
  if (r.e2ee && !keyUsable(app.entry && app.entry.e2eeKey)) {
    // An e2ee room entered without its key: nothing could be read or sent.
    await r.counsel.request({ request: 'leave' }).catch(() => {});
    if (r !== room) return;
    endWithoutKey();
    return;
  }
  if (r.e2ee && !r.crypto) {
    await startCrypto(r);
    if (r !== room) return;
    if (r.crypto) {
      r.e2eeCode = r.crypto.state().code;
      r.crypto.setParticipants(r.participants);
      renderSessionBar();
    }
  }
  const media = new MediaSession(r.counsel, app.local, {
    selfId: r.selfId,
    e2ee: r.e2ee,
    crypto: r.crypto,
    simulcast: app.simulcast,
    receive: app.receiveApart ? { room: r.joinBody.room, secret: () => r.resume } : null,
    ui: {
      onTracks: (pid, tracks) => r === room && r.tiles.setTracks(pid, tracks),
      onStreams: () => r === room && checkPictures(r),
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
  r.media = media;
  media.publish().then(async () => {
    if (r !== room || r.media !== media) return;
    // Own toggles chosen before entering: tell the plugin.
    if (!app.local.audioOn || !app.local.videoTrack) {
      const body = { request: 'configure' };
      if (!app.local.audioOn) body.audio_muted = true;
      if (!app.local.videoTrack) body.video_muted = true;
      await r.counsel.request(body).catch(() => {});
    }
  });
}

// What the own tile shows of the local media.
function localView() {
  const l = app.local;
  return { stream: l.stream, audioOn: l.audioOn, videoOn: l.videoOn, mirrored: l.mirrored() };
}

// A person whose sound the plugin forwards to this page but not their picture,
// though their camera is on: the plugin offers nobody a stream their browser
// cannot decode, so this browser lacks the codec they send. Their tile says so
// (checked 2 s after the last change: a camera turned off shows in the
// participants list a moment after it leaves the streams).
function checkPictures(r) {
  clearTimeout(r.pictureCheck);
  r.pictureCheck = setTimeout(() => {
    if (r !== room || !r.media || !r.tiles) return;
    const missing = missingVideoCodecs();
    for (const p of r.participants) {
      if (p.id === r.selfId) continue;
      const kinds = r.media.kindsOf(p.id);
      const cameraOff = (p.muted && p.muted.video) || (p.self_muted && p.self_muted.video);
      r.tiles.setUnplayable(p.id, 'video', kinds.audio && !kinds.video && !cameraOff ? missing : null);
    }
  }, 2000);
}

function updateParticipants(list) {
  const r = room;
  const before = new Map(r.participants.map((p) => [p.id, p.display]));
  const wasReconnecting = new Map(r.participants.map((p) => [p.id, !!p.reconnecting]));
  const after = new Map(list.map((p) => [p.id, p.display]));
  r.participants = list;
  if (r.tiles) r.tiles.setParticipants(list);
  if (r.crypto) r.crypto.setParticipants(list);
  checkPictures(r);
  renderControls();
  for (const [id, name] of after) if (!before.has(id) && id !== r.selfId) announce(t('session.joinedAnnounce', { name }));
  for (const p of list) {
    if (p.id === r.selfId || !before.has(p.id) || !!p.reconnecting === !!wasReconnecting.get(p.id)) continue;
    announce(t(p.reconnecting ? 'session.reconnectingAnnounce' : 'session.backAnnounce', { name: p.display }));
  }
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
  r.tiles.setLocal(localView());
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
  r.tiles.setLocal(localView());
}

async function switchCamera() {
  const r = room;
  const btn = $('btn-flip');
  btn.disabled = true;
  try {
    await r.media.switchCamera();
  } catch (err) {
    console.warn('camera switch failed', err && err.name);
  } finally {
    btn.disabled = false;
  }
  if (r !== room) return;
  renderControls();
  r.tiles.setLocal(localView());
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
  ctx.go('end', { kind: 'left', actions: retryActions('left') });
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
