// Pre-join: the notice to acknowledge (clients), camera preview, microphone
// level, device choice, display name (and the room password for a link
// without a personal token). The moderator passes through the same screen
// for the device check, without the notice. "Enter" leads to the room
// screen, which sends the person back here when the password is wrong or
// Janus cannot be reached (show's params say which).

import { bind, onLangChange, t } from '../i18n.js';
import { $, chime, fieldError, formError, h, showScreen, unlockAudio } from '../ui.js';
import { LevelMeter } from '../local_media.js';
import { renderPreview } from '../preview.js';

let ctx = null;
let app = null; // ctx.state
let meter = null;
let started = false;
let ready = Promise.resolve();
let busy = false;

export function init(context) {
  ctx = context;
  app = ctx.state;
  meter = new LevelMeter((level) => {
    const el = $('level-meter');
    const pct = Math.round(level * 100);
    el.firstElementChild.style.transform = `scaleX(${level.toFixed(3)})`;
    if (String(pct) !== el.getAttribute('aria-valuenow')) el.setAttribute('aria-valuenow', String(pct));
  });
  app.local.onChange(() => {
    if (!$('screen-prejoin').hidden) render();
  });
  onLangChange(() => {
    if (!$('screen-prejoin').hidden) {
      render();
      renderDevices();
    }
  });
  // Browsers start audio only after a gesture: resume the level meter's context on the first one.
  const resume = () => unlockAudio();
  document.addEventListener('pointerdown', resume, { capture: true });
  document.addEventListener('keydown', resume, { capture: true });

  $('preview-mic').addEventListener('click', () => {
    app.local.setAudioOn(!app.local.audioOn);
  });
  $('preview-cam').addEventListener('click', async () => {
    $('preview-cam').disabled = true;
    await app.local.setVideoOn(!app.local.videoOn);
    $('preview-cam').disabled = false;
    renderDevices();
  });
  $('preview-flip').addEventListener('click', async () => {
    $('preview-flip').disabled = true;
    await app.local.switchCamera().catch(() => showDeviceError('prejoin.deviceFailed'));
    $('preview-flip').disabled = false;
    renderDevices();
  });
  $('select-camera').addEventListener('change', async (e) => {
    try {
      await app.local.useCamera(e.target.value);
      showDeviceError(null);
    } catch {
      showDeviceError('prejoin.deviceFailed');
    }
  });
  $('select-mic').addEventListener('change', async (e) => {
    try {
      await app.local.useMic(e.target.value);
      showDeviceError(null);
    } catch {
      showDeviceError('prejoin.deviceFailed');
    }
  });
  $('test-sound').addEventListener('click', () => {
    unlockAudio();
    chime({ tones: [523, 659, 784], volume: 0.2 });
  });
  $('notice-ack').addEventListener('change', () => {
    if ($('notice-ack').checked) fieldError('notice-ack', 'notice-ack-error', null);
  });
  $('prejoin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
}

// params: { passwordWrong } (the room's answer to the password given),
// { error: i18n key } (a sentence above the button).
export async function show({ passwordWrong = false, error = null } = {}) {
  const moderator = app.entry && app.entry.role === 'moderator';
  const screen = $('screen-prejoin');
  screen.dataset.mode = moderator ? 'moderator' : 'client';
  bind($('prejoin-title'), moderator ? 'prejoin.titleModerator' : 'prejoin.title');
  $('notice-block').hidden = moderator;
  $('notice-ack').required = !moderator;
  if (app.notice) {
    delete $('notice-text').dataset.i18n;
    $('notice-text').textContent = app.notice;
  } else {
    bind($('notice-text'), 'prejoin.defaultNotice');
  }
  bind($('display-name-help'), moderator ? 'prejoin.nameHelpModerator' : 'prejoin.nameHelp');
  bind(screen.querySelector('.privacy-note'), moderator ? 'prejoin.privacyModerator' : 'prejoin.privacy');
  $('room-password-field').hidden = moderator || !app.entry || !!app.entry.token;
  if (app.display) $('display-name').value = app.display;
  formError('prejoin-error', null);
  setBusy(false);
  // Coming back from the room (wrong password, no connection) keeps the focus where it is.
  if ($('screen-prejoin').hidden) showScreen('screen-prejoin');
  if (error) formError('prejoin-error', t(error));
  if (passwordWrong) {
    fieldError('room-password', 'room-password-error', t('end.passwordWrong.text'));
    $('room-password').focus();
  }
  // The devices open in the background; entering waits for them (see submit()).
  if (!started || (!app.local.audioTrack && !app.local.videoTrack)) {
    started = true;
    ready = app.local.start();
  } else if (app.local.videoOn && !app.local.videoTrack) {
    ready = app.local.setVideoOn(true);
  }
  await ready;
  render();
  await renderDevices();
}

function showDeviceError(key) {
  const el = $('device-error');
  if (key) bind(el, key);
  else el.textContent = '';
  el.hidden = !key;
}

function render() {
  const local = app.local;
  const video = $('preview-video');
  renderPreview(local, { video, off: $('preview-off'), mic: $('preview-mic'), cam: $('preview-cam'), flip: $('preview-flip') });
  bind(video, null, { 'aria-label': 'prejoin.preview' });
  bind($('preview-off-text'), local.hasCamera() ? 'prejoin.camOff' : 'prejoin.noCamera');
  meter.attach(local.audioTrack);

  const errKey = {
    denied: 'prejoin.deviceDenied',
    failed: 'prejoin.deviceFailed',
    none: 'prejoin.noDevices',
    insecure: 'prejoin.insecure',
  }[local.error];
  showDeviceError(errKey || null);
}

async function renderDevices() {
  const { cameras, mics } = await app.local.devices();
  fillSelect($('select-camera'), cameras, app.local.cameraId, 'prejoin.camera', 'prejoin.noCamera');
  fillSelect($('select-mic'), mics, app.local.micId, 'prejoin.microphone', 'prejoin.noMicrophone');
  $('select-camera').disabled = cameras.length === 0 || !app.local.videoOn;
}

function fillSelect(sel, devices, current, kindKey, noneKey) {
  if (devices.length === 0) {
    sel.replaceChildren(h('option', { value: '' }, t(noneKey)));
    sel.disabled = true;
    return;
  }
  sel.disabled = false;
  sel.replaceChildren(
    ...devices.map((d, i) =>
      h('option', { value: d.deviceId, selected: d.deviceId === current }, d.label || t('prejoin.deviceN', { kind: t(kindKey), n: i + 1 })),
    ),
  );
}

function setBusy(on) {
  busy = on;
  const btn = $('join-submit');
  bind(btn, on ? 'prejoin.joining' : 'prejoin.join');
  btn.toggleAttribute('aria-busy', on);
}

function presentable(text) {
  const n = Array.from(text).length;
  return n >= 1 && n <= 64 && !/[\u0000-\u001f\u007f-\u009f]/.test(text);
}

async function submit() {
  if (busy) return;
  unlockAudio();
  formError('prejoin-error', null);
  const moderator = app.entry.role === 'moderator';
  let firstBad = null;
  if (!moderator) {
    const ack = $('notice-ack').checked;
    fieldError('notice-ack', 'notice-ack-error', ack ? null : t('prejoin.ackMissing'));
    if (!ack) firstBad = firstBad || 'notice-ack';
  }
  const display = $('display-name').value.trim();
  const nameOk = presentable(display);
  fieldError('display-name', 'display-name-error', nameOk ? null : t('prejoin.nameMissing'));
  if (!nameOk) firstBad = firstBad || 'display-name';
  let password = null;
  if (!$('room-password-field').hidden) {
    // Passwords are read out over the phone: case, spaces and dashes do not matter.
    password = $('room-password').value.toLowerCase().replace(/[\s-]/g, '');
    fieldError('room-password', 'room-password-error', password ? null : t('prejoin.passwordMissing'));
    if (!password) firstBad = firstBad || 'room-password';
  }
  if (firstBad) {
    $(firstBad).focus();
    return;
  }
  app.display = display;
  setBusy(true);
  try {
    await ready;
    meter.detach();
    await ctx.go('room', { display, password });
  } finally {
    setBusy(false);
    if (!$('screen-prejoin').hidden) render(); // still here (e.g. wrong password): meter back on
  }
}
