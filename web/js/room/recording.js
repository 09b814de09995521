// Recording with everyone's consent, as the page shows it (docs/api.md "Recording"):
// the indicator everyone sees, the moderator's ask / stop buttons, the consent
// dialog, withdrawing a yes, and the person's own download link after the end.
// Only rooms created with recording "with_consent" show any of it.
//
// The plugin decides everything (nothing is written until every admitted
// person said yes; one "no" deletes it all); this module only asks and shows.

import { errorText, t } from '../i18n.js';
import { $, announce, confirmDialog, h, icon, toast } from '../ui.js';
import { EVENT } from '../protocol.js';

// Indicator state -> [i18n key, css modifier]. `off` is a room that could record but does not.
const STATES = {
  off: ['rec.state.off', 'idle'],
  awaiting_consent: ['rec.state.awaiting', 'asking'],
  recording: ['rec.state.recording', 'live'],
  paused: ['rec.state.paused', 'asking'],
  stopped: ['rec.state.stopped', 'idle'],
  aborted: ['rec.state.aborted', 'idle'],
  // The server could not write (a full disk): what was recorded before is kept.
  failed: ['rec.state.failed', 'asking'],
};
const CAN_REQUEST = new Set(['off', 'stopped', 'aborted', 'failed']);
const CAN_STOP = new Set(['awaiting_consent', 'recording', 'paused']);
// States in which a yes given still stands and can be taken back.
const CAN_WITHDRAW = new Set(['awaiting_consent', 'recording', 'paused', 'stopped', 'failed']);

export class RecordingControls {
  // counsel: the room's Counsel connection; moderator: whether this page holds the seat.
  constructor(counsel, { moderator }) {
    this.counsel = counsel;
    this.moderator = moderator;
    this.state = 'off';
    this.pending = 0;
    this.asked = false; // a consent request waits for this person's answer
    this.consented = false; // this person's yes stands
    this.everRecorded = false; // media was written at some point (and not vetoed since)
    this.offer = null; // { path, retentionDays } from the yes-answer
    this.busy = false;
    this.closed = false;
    this.onClick = {
      request: () => this.requestConsent(),
      stop: () => this.stop(),
      answer: () => this.askPerson(),
      withdraw: () => this.withdraw(),
    };
    for (const [what, fn] of Object.entries(this.onClick)) $(`btn-rec-${what}`).addEventListener('click', fn);
    $('rec-area').hidden = false;
    this.render();
  }

  // Plugin events that belong to recording; true when handled.
  handleEvent(msg) {
    if (msg.counsel === EVENT.RECORDING) {
      const before = this.state;
      this.state = STATES[msg.state] ? msg.state : 'off';
      this.pending = Number.isInteger(msg.pending) ? msg.pending : 0;
      if (this.state === 'recording') this.everRecorded = true;
      if (this.state === 'aborted') {
        // One "no" deleted everything, this person's yes included.
        this.everRecorded = false;
        this.consented = false;
        this.asked = false;
        closeConsentDialog();
      }
      this.render();
      if (before !== this.state) announce(t(STATES[this.state][0], { n: this.pending }));
      return true;
    }
    if (msg.counsel === EVENT.CONSENT_REQUEST) {
      this.asked = true;
      this.consented = false;
      this.render();
      this.askPerson();
      return true;
    }
    return false;
  }

  render() {
    if (this.closed) return;
    const [key, mod] = STATES[this.state];
    const indicator = $('rec-indicator');
    indicator.className = `badge rec-badge rec-${mod}`;
    indicator.replaceChildren(icon('rec'), h('span', { i18n: [key, { n: this.pending }] }));
    const show = (id, visible) => {
      $(id).hidden = !visible;
      $(id).disabled = this.busy;
    };
    show('btn-rec-request', this.moderator && CAN_REQUEST.has(this.state));
    show('btn-rec-stop', this.moderator && CAN_STOP.has(this.state));
    show('btn-rec-answer', this.asked);
    show('btn-rec-withdraw', this.consented && CAN_WITHDRAW.has(this.state));
  }

  async requestConsent() {
    const ok = await confirmDialog({
      title: t('rec.requestConfirm.title'),
      text: t('rec.requestConfirm.text'),
      confirm: t('rec.request'),
      danger: false,
    });
    if (ok) await this.send({ request: 'record', action: 'request' });
  }

  async stop() {
    await this.send({ request: 'record', action: 'stop' });
  }

  // The consent dialog: yes, no, or later (the "answer" button stays).
  async askPerson() {
    if (!this.asked || this.closed) return;
    const choice = await openConsentDialog();
    if (!this.asked || this.closed || choice === 'later') return;
    const yes = choice === 'yes';
    const answer = await this.send({ request: 'consent', recording: yes });
    if (!answer) return;
    this.asked = false;
    this.consented = yes;
    if (yes && typeof answer.download === 'string' && answer.download.startsWith('/rec/')) {
      this.offer = { path: answer.download, retentionDays: answer.retention_days || null };
    }
    this.render();
  }

  async withdraw() {
    const ok = await confirmDialog({
      title: t('rec.withdrawConfirm.title'),
      text: t('rec.withdrawConfirm.text'),
      confirm: t('rec.withdraw'),
    });
    if (!ok) return;
    if (await this.send({ request: 'consent', recording: false })) {
      this.consented = false;
      this.offer = null;
      this.render();
    }
  }

  // One request at a time; errors as sentences. The answer's msg, or null.
  async send(body) {
    if (this.busy) return null;
    this.busy = true;
    this.render();
    try {
      return (await this.counsel.request(body)).msg;
    } catch (err) {
      toast(errorText(err && err.code));
      return null;
    } finally {
      this.busy = false;
      this.render();
    }
  }

  // The person's own link once the room is gone: only if something was
  // recorded with their yes standing. Null otherwise.
  downloadOffer() {
    return this.offer && this.consented && this.everRecorded ? this.offer : null;
  }

  close() {
    this.closed = true;
    closeConsentDialog();
    for (const [what, fn] of Object.entries(this.onClick)) $(`btn-rec-${what}`).removeEventListener('click', fn);
    $('rec-area').hidden = true;
  }
}

function openConsentDialog() {
  const dlg = $('dlg-consent');
  if (dlg.open) dlg.close('later');
  dlg.returnValue = 'later';
  return new Promise((resolve) => {
    const opener = document.activeElement;
    dlg.addEventListener(
      'close',
      () => {
        resolve(['yes', 'no'].includes(dlg.returnValue) ? dlg.returnValue : 'later');
        if (opener && opener.isConnected) opener.focus();
      },
      { once: true },
    );
    dlg.showModal();
    $('dlg-consent-no').focus(); // the safe choice has the focus
  });
}

function closeConsentDialog() {
  const dlg = $('dlg-consent');
  if (dlg.open) dlg.close('later');
}

// The end screen's download box (or nothing): a same-origin link served by web/server/serve.js.
export function showDownload(offer) {
  const box = $('end-download');
  box.replaceChildren();
  box.hidden = !offer;
  if (!offer) return;
  const days = offer.retentionDays;
  box.append(
    h('h2', { i18n: ['rec.download.title'] }),
    h('p', { i18n: days ? ['rec.download.text', { days }] : ['rec.download.textNoDays'] }),
    // Relative to the page ("rec/<capability>"), so a node behind a path prefix
    // (README "Many nodes") serves its own recordings.
    h('a', { id: 'rec-download-link', class: 'primary', href: offer.path.slice(1), download: 'counsel-recording.mp4', rel: 'noreferrer' }, icon('rec'), h('span', { i18n: ['rec.download.link'] })),
    h('p', { class: 'help', i18n: ['rec.download.private'] }),
  );
}

export function clearDownload() {
  const box = $('end-download');
  box.replaceChildren();
  box.hidden = true;
}
