// A poor downlink, and the offer to receive sound only. Every 2 s the page
// reads its own PeerConnection's statistics for the others' video: the share
// of packets lost on the way here, and how many frames were decoded while
// packets kept coming. Poor in three of the last four windows -> the hint
// offers "sound only": the plugin then forwards no video to this person
// (`configure` receive_video:false, README "Audio only"); the hint stays with
// a way back to video. Good in four windows in a row -> the offer goes away.

import { bind } from '../i18n.js';
import { $ } from '../ui.js';

const EVERY_MS = 2000;
const LOSS_POOR = 0.05; // 5 % of the video packets lost
const FPS_POOR = 5; // fewer decoded frames per second per picture while packets come

export class LinkQuality {
  // pc(): the current PeerConnection (or null); onPoor(poor): the judgement changed.
  constructor(pc, onPoor) {
    this.pc = pc;
    this.onPoor = onPoor;
    this.prev = null;
    this.windows = [];
    this.poor = false;
    this.timer = setInterval(() => this._sample().catch(() => {}), EVERY_MS);
  }

  stop() {
    clearInterval(this.timer);
  }

  // Forget what was measured (a new PeerConnection, or video switched back on).
  reset() {
    this.prev = null;
    this.windows = [];
  }

  async _sample() {
    const pc = this.pc();
    if (!pc || pc.connectionState === 'closed') return;
    const stats = await pc.getStats();
    let received = 0;
    let lost = 0;
    let frames = 0;
    let pictures = 0;
    stats.forEach((s) => {
      if (s.type !== 'inbound-rtp' || (s.kind || s.mediaType) !== 'video') return;
      received += s.packetsReceived || 0;
      lost += s.packetsLost || 0;
      frames += s.framesDecoded || 0;
      pictures += 1;
    });
    const prev = this.prev;
    this.prev = { received, lost, frames };
    if (!prev || pictures === 0) return;
    const dReceived = received - prev.received;
    const dLost = Math.max(0, lost - prev.lost);
    const dFrames = frames - prev.frames;
    if (dReceived + dLost === 0) return; // no video coming (audio only, cameras off): no judgement
    const loss = dLost / (dReceived + dLost);
    const fps = dFrames / (EVERY_MS / 1000) / pictures;
    this.windows = [...this.windows.slice(-3), loss >= LOSS_POOR || fps < FPS_POOR];
    const bad = this.windows.filter(Boolean).length;
    if (!this.poor && bad >= 3) {
      this.poor = true;
      this.onPoor(true);
    } else if (this.poor && this.windows.length === 4 && bad === 0) {
      this.poor = false;
      this.onPoor(false);
    }
  }
}

// The hint under the session bar: the offer (poor link) or, while receiving
// sound only, the way back. state: { poor, receiveVideo }.
export function renderLinkHint({ poor, receiveVideo }) {
  const box = $('link-hint');
  if (!box) return;
  box.hidden = receiveVideo && !poor;
  if (box.hidden) return;
  bind($('link-hint-text'), receiveVideo ? 'net.poor' : 'net.audioOnlyOn');
  bind($('link-hint-action'), receiveVideo ? 'net.audioOnly' : 'net.videoAgain');
}
