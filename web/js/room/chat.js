// The session's chat panel: its state (connecting / open / unavailable), the
// log with sender and time, unread counting while the panel is out of view,
// and sending through the room's media session (encrypted there in e2ee rooms).
// Chat is never stored: the log lives in the page until the room is left.

import { bind, formatTime, t } from '../i18n.js';
import { $, h, toast } from '../ui.js';

export function renderChatState(r) {
  if (!r) return;
  const open = r.chatState === 'open';
  $('chat-input').disabled = !open;
  $('chat-send').disabled = !open;
  bind($('chat-input'), null, { placeholder: 'chat.placeholder' });
  const el = $('chat-state');
  if (open) {
    el.textContent = '';
    delete el.dataset.i18n;
  } else {
    bind(el, r.chatState === 'connecting' ? 'chat.connecting' : 'chat.unavailable');
  }
}

function nameOf(r, id) {
  const p = r.participants.find((x) => x.id === id);
  return p ? p.display : t('chat.unknown');
}

function appendChat(name, text, self) {
  const time = new Date();
  const li = h(
    'li',
    { class: `chat-item${self ? ' self' : ''}` },
    h('span', { class: 'chat-from', text: `${name}: ` }),
    h('span', { class: 'chat-text', text }),
    h('time', { class: 'chat-time', datetime: time.toISOString(), text: formatTime(time) }),
  );
  const log = $('chat-log');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.append(li);
  if (atBottom || self) log.scrollTop = log.scrollHeight;
}

// onUnread(): the unread count changed (the chat button shows it).
export function receiveChat(r, from, text, onUnread) {
  appendChat(nameOf(r, from), text, false);
  const chatVisible = isVisible($('chat-panel'));
  if (!chatVisible || document.activeElement !== $('chat-input')) {
    r.unread += 1;
    onUnread();
  }
}

function isVisible(el) {
  const rect = el.getBoundingClientRect();
  return rect.bottom > 0 && rect.top < window.innerHeight;
}

export async function sendChat(r, onUnread) {
  const input = $('chat-input');
  const text = input.value.trim();
  if (!text) return;
  if (new TextEncoder().encode(text).length > 4000) {
    toast(t('chat.tooLong'));
    return;
  }
  try {
    await r.media.sendChat(text);
    appendChat(t('common.you'), text, true);
    input.value = '';
    r.unread = 0;
    onUnread();
  } catch {
    toast(t('chat.failed'));
  }
}
