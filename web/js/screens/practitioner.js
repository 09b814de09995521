// Practitioner: the key (kept in this tab's memory only: the input field),
// the new session's settings, then one personal link per invitee (the links
// screen); "enter as host" leads to the pre-join screen.

import { bind, errorText, formatDate, formatTime, onLangChange, t } from '../i18n.js';
import { $, copyText, fieldError, formError, h, icon, showScreen, toast } from '../ui.js';
import { E2EE } from '../e2ee.js';
import { personalLink, roomAddress } from '../links.js';
import { ERR, EVENT, dialIn } from '../protocol.js';

const DURATIONS = [30, 45, 50, 60, 90, 120, 180, 240];
const DEFAULT_DURATION = 60;
const MAX_INVITEES = 9; // max_participants (10) minus the moderator
const MAX_ADVANCE_S = 7 * 24 * 3600;

let ctx = null;
let busy = false;
let lastCreated = null;

export function init(context) {
  ctx = context;
  renderDurations();
  onLangChange(() => {
    renderDurations();
    renumberInvitees();
    renderE2eeOption();
    if (lastCreated && !$('screen-links').hidden) renderLinks(lastCreated);
  });
  $('add-invitee').addEventListener('click', () => {
    const input = addInvitee('');
    input.focus();
  });
  $('opt-rec-consent').addEventListener('change', renderE2eeOption);
  $('opt-rec-off').addEventListener('change', renderE2eeOption);
  $('opt-phone').addEventListener('change', renderE2eeOption);
  $('create-form').addEventListener('submit', (e) => {
    e.preventDefault();
    create();
  });
  $('enter-moderator').addEventListener('click', () => ctx.go('prejoin'));
  addInvitee('');
  $('opt-e2ee').checked = E2EE.available;
  renderE2eeOption();
}

export function show() {
  $('session-start').value = localInputValue(new Date());
  showScreen('screen-practitioner');
}

function renderDurations() {
  const sel = $('session-duration');
  const value = Number(sel.value) || DEFAULT_DURATION;
  sel.replaceChildren(
    ...DURATIONS.map((m) =>
      h('option', { value: m, selected: m === value }, m % 60 === 0 && m >= 120 ? t('practitioner.hours', { n: m / 60 }) : t('practitioner.minutes', { n: m })),
    ),
  );
}

// E2EE is on by default once it exists (e2ee.js); a recording room excludes it.
function renderE2eeOption() {
  const box = $('opt-e2ee');
  const recording = $('opt-rec-consent').checked;
  const help = $('opt-e2ee-help');
  if (!E2EE.available) {
    box.checked = false;
    box.disabled = true;
    bind(help, 'practitioner.e2eeUnavailable');
  } else if (recording) {
    box.checked = false;
    box.disabled = true;
    bind(help, 'practitioner.e2eeWithRecording');
  } else if ($('opt-phone').checked) {
    // A phone leg is decoded on the server (README "Phone dial-in").
    box.checked = false;
    box.disabled = true;
    bind(help, 'practitioner.e2eeWithPhone');
  } else {
    box.disabled = false;
    bind(help, 'practitioner.e2eeHelp');
  }
}

function addInvitee(value) {
  const list = $('invitee-list');
  const input = h('input', { type: 'text', maxlength: 64, autocomplete: 'off', spellcheck: 'false', class: 'invitee-input' });
  input.value = value;
  const li = h(
    'li',
    { class: 'invitee' },
    input,
    h('button', {
      type: 'button',
      class: 'icon-button',
      onclick: () => {
        const next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        renumberInvitees();
        const focusTarget = next ? next.querySelector('input') : $('add-invitee');
        focusTarget.focus();
      },
    }, icon('close')),
  );
  list.append(li);
  renumberInvitees();
  return input;
}

function renumberInvitees() {
  const rows = [...$('invitee-list').children];
  rows.forEach((li, i) => {
    const n = i + 1;
    const input = li.querySelector('input');
    input.id = `invitee-${n}`;
    bind(input, null, { 'aria-label': ['practitioner.inviteeLabel', { n }], placeholder: 'practitioner.inviteePlaceholder' });
    input.setAttribute('aria-describedby', 'invitees-help');
    bind(li.querySelector('button'), null, { 'aria-label': ['practitioner.inviteeRemove', { n }], title: ['practitioner.inviteeRemove', { n }] });
  });
  $('add-invitee').disabled = rows.length >= MAX_INVITEES;
}

function localInputValue(date) {
  const d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

function presentable(text, max) {
  // 1..max characters, no control characters (the plugin's rule).
  const n = Array.from(text).length;
  return n >= 1 && n <= max && !/[\u0000-\u001f\u007f-\u009f]/.test(text);
}

function validate() {
  let firstBad = null;
  const bad = (id) => {
    if (!firstBad) firstBad = id;
  };
  const key = $('practitioner-key').value.trim();
  fieldError('practitioner-key', 'practitioner-key-error', key ? null : t('practitioner.keyMissing'));
  if (!key) bad('practitioner-key');

  const startValue = $('session-start').value;
  const start = startValue ? new Date(startValue) : null;
  const now = Date.now();
  const startOk = start && !Number.isNaN(start.getTime()) && start.getTime() >= now - 4 * 60000 && start.getTime() <= now + MAX_ADVANCE_S * 1000 - 60000;
  fieldError('session-start', 'session-start-error', startOk ? null : t('practitioner.startInvalid'));
  if (!startOk) bad('session-start');

  const inputs = [...$('invitee-list').querySelectorAll('input')];
  const labels = inputs.map((i) => i.value.trim());
  const password = $('opt-password').checked;
  let inviteeError = null;
  for (const [i, label] of labels.entries()) {
    const ok = presentable(label, 64);
    inputs[i].toggleAttribute('aria-invalid', !ok);
    if (!ok) {
      inviteeError = t('practitioner.inviteeEmpty');
      bad(inputs[i].id);
    }
  }
  if (labels.length === 0 && !password) {
    inviteeError = t('practitioner.inviteesMissing');
    bad('add-invitee');
  }
  const err = $('invitees-error');
  err.textContent = inviteeError || '';
  err.hidden = !inviteeError;

  const title = $('session-title').value.trim();
  if (title && !presentable(title, 80)) bad('session-title');

  if (firstBad) {
    $(firstBad).focus();
    return null;
  }
  const body = {
    request: 'create',
    practitioner_key: key,
    invitees: labels.map((label) => ({ label })),
    starts_at: Math.max(Math.floor(start.getTime() / 1000), Math.floor(now / 1000) - 60),
    duration_s: Number($('session-duration').value) * 60,
    e2ee: $('opt-e2ee').checked,
    recording: $('opt-rec-consent').checked ? 'with_consent' : 'off',
    password,
  };
  if (title) body.title = title;
  if ($('opt-phone').checked) body.phone = true;
  return body;
}

async function create() {
  if (busy) return;
  formError('create-error', null);
  const body = validate();
  if (!body) return;
  busy = true;
  const submit = $('create-submit');
  bind(submit, 'practitioner.creating');
  submit.setAttribute('aria-busy', 'true');
  let counsel = null;
  try {
    // The room key is made here and only ever leaves this tab inside the links' #fragment.
    let roomKey = null;
    if (body.e2ee) roomKey = await E2EE.createRoomKey();
    else E2EE.forgetCreatedKey();
    counsel = await ctx.connectJanus();
    const { msg } = await counsel.request(body);
    if (msg.counsel !== EVENT.CREATED) throw new Error('unexpected answer');
    lastCreated = { ...msg, title: body.title || '' };
    ctx.state.entry = { role: 'moderator', room: msg.room, token: msg.moderator_token, created: lastCreated, e2eeKey: msg.e2ee ? roomKey : null };
    ctx.setLeaveGuard(true);
    renderLinks(lastCreated);
    showScreen('screen-links');
  } catch (err) {
    if (err && err.code === ERR.UNAUTHORIZED) {
      fieldError('practitioner-key', 'practitioner-key-error', t('practitioner.keyWrong'));
      $('practitioner-key').focus();
    } else if (err && err.code === ERR.NOT_ALLOWED && body.phone) {
      formError('create-error', t('practitioner.phoneUnavailable'));
    } else if (err && (err.code === 'connection' || err.code === 'timeout')) {
      formError('create-error', t(err.code === 'timeout' ? 'error.timeout' : 'error.connection'));
    } else {
      formError('create-error', errorText(err && err.code));
    }
  } finally {
    if (counsel) counsel.close();
    busy = false;
    bind(submit, 'practitioner.create');
    submit.removeAttribute('aria-busy');
  }
}

// tag: a line under the label that tells this link from the others (or null).
function linkRow(labelText, value, copyLabelKey, copyArgs, inputId, secret = false, tag = null) {
  const input = h('input', { type: 'text', readonly: true, id: inputId, class: secret ? 'mono secret' : 'mono', spellcheck: 'false' });
  input.value = value;
  input.addEventListener('focus', () => input.select());
  const status = h('span', { class: 'copy-status', 'aria-live': 'polite' });
  const btn = h(
    'button',
    {
      type: 'button',
      class: 'secondary small copy-button',
      i18nAttr: { 'aria-label': [copyLabelKey, copyArgs] },
      onclick: async () => {
        const ok = await copyText(value);
        if (ok) {
          bind(status, 'common.copied');
          btn.classList.add('copied');
          setTimeout(() => {
            status.textContent = '';
            delete status.dataset.i18n;
            btn.classList.remove('copied');
          }, 2500);
        } else {
          input.focus();
          input.select();
          toast(t('common.copyFailed'));
        }
      },
    },
    icon('copy'),
    h('span', { i18n: ['common.copy'] }),
  );
  if (tag) input.setAttribute('aria-describedby', tag.id);
  return h(
    'li',
    { class: 'link-row' },
    h('label', { for: inputId, class: 'link-label', text: labelText }),
    tag,
    h('div', { class: 'link-line' }, input, btn, status),
  );
}

// The shortest start of each token (at least 5 characters) that no other
// token shares: the practitioner tells the links apart by it at a glance.
function tokenTags(tokens) {
  for (let n = 5; n < 64; n += 1) {
    const tags = tokens.map((tok) => tok.slice(0, n));
    if (new Set(tags).size === tags.length) return tags;
  }
  return tokens;
}

function renderLinks(created) {
  const start = new Date(created.starts_at * 1000);
  const end = new Date(created.expires_at * 1000);
  const sameDay = start.toDateString() === new Date().toDateString();
  const summary = [
    created.title ? `${created.title} · ` : '',
    sameDay ? '' : t('links.summaryDate', { date: formatDate(start) }),
    t('links.summary', { start: formatTime(start), end: formatTime(end) }),
    ' · ',
    created.e2ee ? t('links.e2ee') : t('links.noE2ee'),
  ].join('');
  $('links-summary').textContent = summary;

  const tags = tokenTags(created.invites.map((inv) => inv.token));
  $('link-list').replaceChildren(
    ...created.invites.map((inv, i) => {
      const tag = h('p', { class: 'link-tag', id: `link-${i + 1}-tag`, i18n: ['links.tag', { n: i + 1, tag: tags[i] }] });
      const row = linkRow(inv.label, personalLink(created.room, inv.token), 'links.copyFor', { label: inv.label }, `link-${i + 1}`, false, tag);
      // Dial-in: the practice's number, the room number and this person's own PIN (in groups, to read aloud).
      const phone = dialIn(created, inv);
      if (phone) {
        const pin = phone.pin.replace(/(\d{4})(?=\d)/g, '$1 ');
        row.append(h('p', { class: 'phone-line mono', i18n: ['links.phone', { number: phone.number, room: phone.room, pin }] }));
      }
      return row;
    }),
  );
  const pwBlock = $('password-block');
  if (created.password) {
    pwBlock.hidden = false;
    $('password-list').replaceChildren(
      linkRow(t('links.roomAddress'), roomAddress(created.room), 'links.copyAddress', null, 'room-address'),
      linkRow(t('links.roomPassword'), created.password, 'links.copyPassword', null, 'room-password-value', true),
    );
  } else {
    pwBlock.hidden = true;
    $('password-list').replaceChildren();
  }
}
