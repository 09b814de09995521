// Staying in the room when the network drops (README, "Coming back after a
// network drop"). The person keeps their seat on the server for
// reconnect_grace_s; this module gets them back into it without knocking:
//
//   ICE disconnected (a while) or failed, WebSocket answering
//        -> ICE restart on the same PeerConnection (MediaSession.restartIce);
//           the receive-only PeerConnection (if any) gets a new receiving
//           handle instead when it is not connected (recoverReceiving)
//   the browser says the network came back or changed (`online`,
//   navigator.connection `change`) -> the same check and restart, whatever
//        ICE says: after an address change Chromium may keep calling a pair
//        "connected" that Janus no longer sends on
//   WebSocket lost (or no longer answering: probe)
//        -> claim the same Janus session on a new WebSocket (Counsel.reclaim),
//           then `join` with the seat's resume secret on the same handle: the
//           plugin says what was missed (participants, mutes) and offers again
//           what it sent meanwhile; ICE restart if the media is not back,
//           a new session (below) if Janus closed the PeerConnection meanwhile
//           (`media_gone`)
//   the Janus session is gone
//        -> a new session and handle, `join` with the link and the resume
//           secret: the same seat, a new PeerConnection
//   the seat is gone (the window ended)          -> the lobby again (`waiting`)
//   removed or ended meanwhile                   -> that end screen
//   nothing worked for reconnect_grace_s + 60 s  -> "connection lost"
//   the PeerConnection hung up by Janus (its ICE failed), or failed for good in
//   the browser (`failed` for FAILED_FOR_MS: DTLS died; ICE restarts do not help)
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
// A PeerConnection that stays `failed` this long despite ICE restarts is given up.
const FAILED_FOR_MS = 8000;

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
    this.onOnline = () => {
      note('network change');
      this._recoverMedia('network change');
    };
    window.addEventListener('online', this.onOnline);
    this.connection = navigator.connection && navigator.connection.addEventListener ? navigator.connection : null;
    if (this.connection) this.connection.addEventListener('change', this.onOnline);
    this.failedSince = 0;
    this.watchdog = setInterval(() => this._checkFailed(), 1000);
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
    clearInterval(this.watchdog);
    window.removeEventListener('online', this.onOnline);
    if (this.connection) this.connection.removeEventListener('change', this.onOnline);
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
        const answered = this.r.media ? await this.r.media.restartIce() : false;
        note(`ice restart ${answered ? 'answered' : 'not answered'}`);
        // The receive-only PeerConnection takes no offer from the page: a new
        // receiving handle replaces it when it is not connected (or the network changed).
        if (this.r.media && (await this.r.media.recoverReceiving(why === 'network change' || why === 'after reclaim'))) note('receiving handle bound again');
        // Connected already (ICE need not change state on a restart): back.
        if (answered && ['connected', 'completed'].includes(this.iceState)) this._back();
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

  _checkFailed() {
    const pc = this.r.media && !this.socketDown ? this.r.counsel.peerConnection() : null;
    if (!pc || pc.connectionState !== 'failed') {
      this.failedSince = 0;
      return;
    }
    if (!this.failedSince) this.failedSince = Date.now();
    if (Date.now() - this.failedSince < FAILED_FOR_MS) return;
    this.failedSince = 0;
    note('peerconnection failed for good');
    this.lost({ gone: true });
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
    if (!counsel && answer.media_gone) {
      // Janus closed the PeerConnection while the WebSocket was down (the page
      // never heard it): an ICE restart cannot bring it back. A new connection
      // takes the seat over, with the secret this answer carried.
      note('peerconnection gone meanwhile');
      this.r.resume = answer.resume || this.r.resume;
      await this.lost({ gone: true });
      return;
    }
    await this.hooks.onResumed(answer, counsel);
    // On a new connection the banner goes when its PeerConnection is up (_ice).
    // The same PeerConnection gets an ICE restart whatever its state says:
    // a WebSocket that died usually means the network under both changed.
    if (!counsel) this._recoverMedia('after reclaim');
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
