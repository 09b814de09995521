// The waiting screen (a client in the lobby): "please wait", the own preview
// ("only you see this"), the notice again, and the host's message when one
// comes. Nothing is sent from here; the toggles decide how the session starts.

import { bind } from '../i18n.js';
import { $, chime, showScreen } from '../ui.js';
import { renderPreview } from '../preview.js';

// notice: the plugin's notice (null: the default text).
export function showWaiting(local, notice) {
  $('waiting-message').hidden = true;
  $('waiting-message-text').textContent = '';
  if (notice) {
    delete $('waiting-notice').dataset.i18n;
    $('waiting-notice').textContent = notice;
  } else {
    bind($('waiting-notice'), 'prejoin.defaultNotice');
  }
  showScreen('screen-waiting');
  renderWaitingPreview(local);
}

export function renderWaitingPreview(local) {
  renderPreview(local, { video: $('waiting-video'), off: $('waiting-video-off'), mic: $('waiting-mic'), cam: $('waiting-cam'), flip: $('waiting-flip') });
  $('waiting-preview').setAttribute('aria-hidden', 'true');
}

export function showModeratorMessage(text) {
  if (typeof text !== 'string' || !text) return;
  $('waiting-message-text').textContent = text;
  $('waiting-message').hidden = false;
  chime({ tones: [587], volume: 0.08 });
}
