// The moderator's own actions in the session (besides the lobby, which
// lobby.js holds): lock / unlock, an incident report, mute a person's
// microphone or camera, remove a person (and, in e2ee rooms, hand everyone
// else a new key). Each asks first where a slip would hurt and turns errors
// into a toast. Works on the room state the room screen passes in;
// `r.ended` turns late answers into no-ops.

import { errorText, t } from '../i18n.js';
import { $, announce, confirmDialog, toast } from '../ui.js';
import { rotateAfterRemoval } from './e2ee.js';

// onChange(): the lock state changed (the bar shows it).
export async function toggleLock(r, onChange) {
  try {
    const { msg } = await r.counsel.request({ request: r.locked ? 'unlock' : 'lock' });
    r.locked = !!msg.locked;
    onChange();
    announce(t(r.locked ? 'session.locked' : 'session.unlocked'));
  } catch (err) {
    toast(errorText(err && err.code));
  }
}

export async function reportIncident(r) {
  const dlg = $('dlg-incident');
  const opener = document.activeElement;
  dlg.returnValue = '';
  dlg.showModal();
  $('incident-category').focus();
  await new Promise((resolve) => dlg.addEventListener('close', resolve, { once: true }));
  if (opener && opener.isConnected) opener.focus();
  if (dlg.returnValue !== 'ok' || r.ended) return;
  try {
    await r.counsel.request({ request: 'incident', category: $('incident-category').value });
    toast(t('session.incidentSent'));
  } catch (err) {
    toast(errorText(err && err.code));
  }
}

export async function muteParticipant(r, p, kind, muted) {
  try {
    await r.counsel.request({ request: 'mute', id: p.id, [kind]: muted });
  } catch (err) {
    toast(errorText(err && err.code));
  }
}

export async function kickParticipant(r, p) {
  const ok = await confirmDialog({
    title: t('tile.removeConfirmTitle', { name: p.display }),
    text: t('tile.removeConfirmText'),
    confirm: t('tile.removeConfirm'),
  });
  if (!ok || r.ended) return;
  try {
    await r.counsel.request({ request: 'kick', id: p.id });
    rotateAfterRemoval(r.crypto, p.id);
  } catch (err) {
    toast(errorText(err && err.code));
  }
}
