// Staying in the room when the network drops (README, "Coming back after a
// network drop"). The person keeps their seat on the server for
// reconnect_grace_s; this module gets them back into it without knocking:
//
//   ICE disconnected (a while) or failed, WebSocket answering
//        -> ICE restart on the same PeerConnection (MediaSession.restartIce)
//   WebSocket lost (or no longer answering: probe)
//        -> claim the same Janus session on a new WebSocket (Counsel.reclaim),
//           then `join` with the seat's resume secret on the same handle: the
//           plugin says what was missed (participants, mutes) and offers again
//           what it sent meanwhile; ICE restart if the media is not back
//   the Janus session is gone
//        -> a new session and handle, `join` with the link and the resume
//           secret: the same seat, a new PeerConnection
//   the seat is gone (the window ended)          -> the lobby again (`waiting`)
//   removed or ended meanwhile                   -> that end screen
//   nothing worked for reconnect_grace_s + 60 s  -> "connection lost"
//   the PeerConnection hung up by Janus (its ICE failed)
//        -> as if the session were gone: a new session takes the seat over
//           (a new PeerConnection on the old handle could cross Janus's late
//           hangup of the old one, which would end the new one's streams)
//
// Meanwhile the person sees a banner; the others see the plugin's
// `reconnecting` mark on their tile (tiles.js).

import { t } from '../i18n.js';
import { EVENT } from '../protocol.js';
import { $, announce } from '../ui.js';

// Chromium reports 'disconnected' after a few seconds without an answer; a
// blink often heals on its own within this, so only then is ICE restarted.
const ICE_PATIENCE_MS = 2500;
const RETRY_MS = 2000;
const PROBE_MS = 3000;
// While the media is still not back, the restart is tried again this often
// (the first one may have gone out while the network was still down).
const RESTART_EVERY_MS = 5000;
// conf/janus.jcfg.in: reclaim_session_timeout. The seat's own window comes on top.
const RECLAIM_S = 60;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// One line per step, for support and the tests' console logs (never a name or address).
const note = (text) => console.info(`[reconnect] ${text}`);

export class Reconnector {
  // r: the room state (r.counsel, r.resume, r.graceS, r.media);
  // hooks: {
  //   connect(): Promise<Counsel>              a new Janus session and handle
  //   joinBody(): object                       the join request, without `resume`
  //   onResumed(answer, counsel|null): Promise  the seat is back (counsel: a new connection)
  //   onWaiting(answer, counsel)               the window ended: in the lobby again
  //   onRefused(code)                          a join error (482 removed, 483 ended, ...)
  //   onLost()                                 nothing worked in time
  // }
  constructor(r, hooks) {
    this.r = r;
    this.hooks = hooks;
    this.closed = false;
    this.socketDown = false;
    this.iceState = 'new';
    this.patience = null;
    this.restartTimer = null;
    this.recovering = null; // the running media recovery
    this.started = 0; // when the current trouble began (for the page's own measure)
    this.onOnline = () => this._troubled() && this._recoverMedia('online');
    window.addEventListener('online', this.onOnline);
    this.watch(r.counsel);
  }

  // Listens to a Counsel (the first one, and each new one after a rejoin).
  watch(counsel) {
    if (this.off) this.off.forEach((off) => off());
    this.off = [
      counsel.on('ice', ({ state }) => this._ice(state)),
      counsel.on('cleanup', () => this._hungUp(counsel)),
    ];
  }

  close() {
    this.closed = true;
    if (this.off) this.off.forEach((off) => off());
    clearTimeout(this.patience);
    clearTimeout(this.restartTimer);
    window.removeEventListener('online', this.onOnline);
    this._banner(false);
  }

  // --- the media (ICE) -----------------------------------------------------

  _ice(state) {
    if (state !== this.iceState) note(`ice ${state}`);
    this.iceState = state;
    if (state === 'connected' || state === 'completed') {
      clearTimeout(this.patience);
      this.patience = null;
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
      if (!this.socketDown) this._back();
      return;
    }
    if (state === 'disconnected' && !this.patience) {
      this._trouble();
      this.patience = setTimeout(() => {
        this.patience = null;
        if (this.iceState === 'disconnected') this._recoverMedia('disconnected');
      }, ICE_PATIENCE_MS);
    }
    if (state === 'failed') {
      this._trouble();
      this._recoverMedia('failed');
    }
  }

  _troubled() {
    return !this.closed && (this.socketDown || ['disconnected', 'failed'].includes(this.iceState));
  }

  // Restarts ICE if the WebSocket still answers; otherwise gives the socket up.
  _recoverMedia(why) {
    if (this.closed || this.socketDown || this.recovering) return this.recovering;
    this.recovering = (async () => {
      try {
        const counsel = this.r.counsel;
        if (!(await counsel.probe(PROBE_MS))) {
          note(`websocket silent (${why})`);
          if (!this.closed && counsel === this.r.counsel) counsel.dropSocket(`no answer (${why})`);
          return;
        }
        note(`ice restart (${why})`);
        if (this.r.media) note(`ice restart ${(await this.r.media.restartIce()) ? 'answered' : 'not answered'}`);
      } finally {
        this.recovering = null;
      }
      this._restartLater();
    })();
    return this.recovering;
  }

  _restartLater() {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this._troubled() && !this.socketDown) this._recoverMedia('still down');
    }, RESTART_EVERY_MS);
  }

  // Janus closed the PeerConnection while the handle lives on: a new
  // connection takes the seat over (see above).
  _hungUp(counsel) {
    if (this.closed || counsel !== this.r.counsel || !this.r.media || !this.r.media.published) return;
    note('peerconnection hung up');
    this.lost({ gone: true });
  }

  // --- the WebSocket and the session ----------------------------------------

  // The Counsel lost its WebSocket (gone: the Janus session too).
  async lost({ gone = false } = {}) {
    if (this.closed || this.socketDown) return;
    note(`websocket lost${gone ? ' (session gone)' : ''}`);
    this.socketDown = true;
    this._trouble();
    const deadline = Date.now() + ((this.r.graceS || 0) + RECLAIM_S) * 1000;
    let sessionGone = gone;
    while (!this.closed && Date.now() < deadline) {
      try {
        if (!sessionGone) {
          await this.r.counsel.reclaim();
          note('session claimed');
          const answer = (await this.r.counsel.request(this._resumeBody())).msg;
          this.socketDown = false;
          await this._settle(answer, null);
          return;
        }
        const counsel = await this.hooks.connect();
        note('new session');
        let answer;
        try {
          answer = (await counsel.request(this._resumeBody())).msg;
        } catch (err) {
          counsel.close();
          throw err;
        }
        if (this.closed) {
          counsel.close();
          return;
        }
        this.socketDown = false;
        await this._settle(answer, counsel);
        return;
      } catch (err) {
        const code = err && err.code;
        if (code === 'gone') {
          note('session gone');
          sessionGone = true;
        } else if (typeof code === 'number') {
          // The plugin answered: removed (482), ended (483), ... — no way back.
          this.close();
          this.hooks.onRefused(code);
          return;
        } else {
          await sleep(RETRY_MS);
        }
      }
    }
    if (!this.closed) {
      this.close();
      this.hooks.onLost();
    }
  }

  _resumeBody() {
    return { ...this.hooks.joinBody(), ...(this.r.resume ? { resume: this.r.resume } : {}) };
  }

  async _settle(answer, counsel) {
    note(`back: ${answer.counsel}${counsel ? ' on a new connection' : ''}`);
    if (counsel) {
      this.watch(counsel);
      this.iceState = 'new';
    }
    if (answer.counsel === EVENT.WAITING) {
      // Still (or again) in the lobby: nothing to wait for.
      this.hooks.onWaiting(answer, counsel);
      this._back();
      return;
    }
    await this.hooks.onResumed(answer, counsel);
    // On a new connection the banner goes when its PeerConnection is up (_ice);
    // the same PeerConnection may need an ICE restart first.
    if (!counsel && !['connected', 'completed'].includes(this.iceState)) this._recoverMedia('after reclaim');
    else if (!counsel) this._back();
  }

  // --- what the person sees -------------------------------------------------

  _trouble() {
    if (!this.started) this.started = Date.now();
    this._banner(true);
  }

  _back() {
    if (!this.started) return;
    const took = Date.now() - this.started;
    this.started = 0;
    note(`media back after ${took} ms`);
    this._banner(false);
    announce(t('net.back'));
    // For tests and support: how long the last interruption took, as this page saw it.
    window.counselRecoveries = [...(window.counselRecoveries || []), took];
  }

  _banner(on) {
    const el = $('reconnect-banner');
    if (!el) return;
    el.hidden = !on;
  }
}
