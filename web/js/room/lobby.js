// The moderator's lobby panel: who waits (name, waiting time, a phone icon for
// a caller), an announcement and (unless switched off: the server's
// `knock_chime`, off under the KBV profile) a chime when someone arrives, and
// admit / deny / a message to one waiting person (who learns nothing else
// about the room), or for a caller the spoken "please wait". Works on the room
// state the room screen passes in; `r.ended` turns late answers into no-ops.

import { bind, errorText, t } from '../i18n.js';
import { $, announce, chime, chooseDialog, fieldError, h, icon, toast } from '../ui.js';
import { ERR, denyRequest, isPhoneCaller, waitPromptRequest } from '../protocol.js';

export function updateLobby(r, waiting, afterRender) {
  const arrived = waiting.filter((p) => !r.lobbySeen.has(p.id));
  const gone = [...r.lobbySeen.keys()].filter((id) => !waiting.some((p) => p.id === id));
  r.lobby = waiting;
  for (const id of gone) r.lobbySeen.delete(id);
  for (const p of arrived) r.lobbySeen.set(p.id, p.display);
  renderLobby(r, afterRender);
  if (arrived.length) {
    if (r.knockChime) chime();
    const panel = $('lobby-panel');
    panel.classList.remove('arrival');
    void panel.offsetWidth; // restart the animation
    panel.classList.add('arrival');
    announce(arrived.length === 1 ? t('lobby.arrived', { name: arrived[0].display }) : t('lobby.arrivedMany', { n: waiting.length }));
  }
}

export function renderLobby(r, afterRender) {
  if (!r || !r.moderator) return;
  const list = $('lobby-list');
  const focusedId = document.activeElement && document.activeElement.closest && document.activeElement.closest('#lobby-list li');
  const focusKey = focusedId ? `${focusedId.dataset.pid}:${document.activeElement.dataset.act}` : null;
  list.replaceChildren(
    ...r.lobby.map((p) =>
      h(
        'li',
        { class: 'lobby-item', dataset: { pid: String(p.id), since: String(p.since || 0) } },
        h(
          'div',
          { class: 'lobby-who' },
          isPhoneCaller(p) ? h('span', { class: 'lobby-phone', title: t('lobby.phone') }, icon('phone'), h('span', { class: 'visually-hidden', text: t('lobby.phone') })) : null,
          h('span', { class: 'lobby-name', text: p.display }),
          h('span', { class: 'lobby-time' }),
        ),
        h(
          'div',
          { class: 'lobby-actions' },
          lobbyButton('admit', 'primary small', 'check', 'lobby.admit', p, () => admit(r, p)),
          lobbyButton('deny', 'secondary small', 'close', 'lobby.deny', p, () => deny(r, p)),
          // A caller cannot read: they get the fixed spoken "please wait" instead of a message.
          isPhoneCaller(p)
            ? lobbyButton('prompt', 'secondary small', 'wait', 'lobby.waitPrompt', p, () => waitPrompt(r, p))
            : lobbyButton('message', 'secondary small', 'chat', 'lobby.message', p, () => messageTo(r, p)),
        ),
      ),
    ),
  );
  $('lobby-count').textContent = String(r.lobby.length);
  $('lobby-empty').hidden = r.lobby.length > 0;
  $('lobby-panel').classList.toggle('has-waiting', r.lobby.length > 0);
  document.title = r.lobby.length ? t('lobby.titleCount', { n: r.lobby.length, title: t('app.title') }) : t('app.title');
  if (afterRender) afterRender();
  if (focusKey) {
    const [pid, act] = focusKey.split(':');
    const again = list.querySelector(`li[data-pid="${pid}"] button[data-act="${act}"]`);
    if (again) again.focus();
    else if (list.querySelector('button')) list.querySelector('button').focus();
    else {
      $('lobby-title').setAttribute('tabindex', '-1');
      $('lobby-title').focus();
    }
  }
}

function lobbyButton(act, cls, iconName, key, p, onClick) {
  // The accessible name is the visible text followed by the person's name.
  return h(
    'button',
    { type: 'button', class: cls, dataset: { act }, onclick: onClick, 'aria-label': `${t(key)}: ${p.display}` },
    icon(iconName),
    h('span', { text: t(key) }),
  );
}

async function admit(r, p) {
  try {
    await r.counsel.request({ request: 'admit', id: p.id });
  } catch (err) {
    toast(err && err.code === ERR.INVALID ? t('error.notInLobby') : errorText(err && err.code));
  }
}

// "Not now" lets the person knock again later with the same link; "not at
// all" burns the link (the plugin's `ban`), so no new knock and no new chime.
async function deny(r, p) {
  const choice = await chooseDialog({
    title: t('lobby.denyConfirmTitle', { name: p.display }),
    text: t('lobby.denyConfirmText'),
    confirm: t('lobby.denyConfirm'),
    alternative: t('lobby.denyBan'),
  });
  if (!choice || r.ended) return;
  try {
    await r.counsel.request(denyRequest(p.id, { ban: choice === 'alt' }));
  } catch (err) {
    toast(err && err.code === ERR.INVALID ? t('error.notInLobby') : errorText(err && err.code));
  }
}

async function waitPrompt(r, p) {
  try {
    await r.counsel.request(waitPromptRequest(p.id));
    toast(t('lobby.waitPromptSent', { name: p.display }));
  } catch (err) {
    toast(err && err.code === ERR.INVALID ? t('error.notInLobby') : errorText(err && err.code));
  }
}

let messageTarget = null;

export function setupMessageDialog() {
  const dlg = $('dlg-message');
  for (const chip of dlg.querySelectorAll('[data-quick]')) {
    chip.dataset.i18n = chip.dataset.quick;
    chip.addEventListener('click', () => {
      $('dlg-message-text').value = t(chip.dataset.quick);
      $('dlg-message-text').focus();
    });
  }
  $('dlg-message-form').addEventListener('submit', (e) => {
    const submitter = e.submitter;
    if (!submitter || submitter.value !== 'ok') return;
    const text = $('dlg-message-text').value.trim();
    if (!text || text.length > 500 || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) {
      e.preventDefault();
      fieldError('dlg-message-text', 'dlg-message-error', t('lobby.messageMissing'));
      $('dlg-message-text').focus();
    }
  });
}

async function messageTo(r, p) {
  const dlg = $('dlg-message');
  messageTarget = p;
  bind($('dlg-message-title'), 'lobby.messageTitle', null, { name: p.display });
  $('dlg-message-text').value = '';
  fieldError('dlg-message-text', 'dlg-message-error', null);
  const opener = document.activeElement;
  dlg.returnValue = '';
  dlg.showModal();
  $('dlg-message-text').focus();
  await new Promise((resolve) => dlg.addEventListener('close', resolve, { once: true }));
  if (opener && opener.isConnected) opener.focus();
  if (dlg.returnValue !== 'ok' || r.ended) return;
  const text = $('dlg-message-text').value.trim();
  try {
    await r.counsel.request({ request: 'message', id: messageTarget.id, text });
    toast(t('lobby.messageSent', { name: messageTarget.display }));
  } catch (err) {
    toast(err && err.code === ERR.INVALID ? t('error.notInLobby') : errorText(err && err.code));
  }
}
