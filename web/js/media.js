// The media side of a session through janus.js: a publishing PeerConnection
// (own tracks, chat) and, where it can be had, a receive-only one for the
// others. The devices themselves are local_media.js's.
//
// Protocol (docs/api.md, "Media"): after `admitted` (or the moderator's `joined`)
// the page offers its own tracks (audio, simulcast video, a data channel) with
// {request:"publish"} -> {counsel:"published", streams} + JSEP answer. When
// people come and go the plugin sends {counsel:"media", streams:[{mid, id,
// kind}]} with a JSEP offer; the page answers it keeping its own tracks and
// sends {request:"answer"}. Remote tracks are placed by mid -> participant id.
// Chat rides the data channel: plain text out, {"from":id,"text":...} in.
// After the publish the page binds a second handle on the same Janus session
// with {request:"receive", room, id, secret: the seat's resume secret}; from
// then on the plugin's `media` offers come on that handle and are answered
// there, so everybody else's streams arrive on a PeerConnection that sends
// nothing, whose NACKs Janus answers (docs/api.md "Receiving handle"). If the
// second handle cannot be had (or is refused) the publishing one keeps
// receiving, as before. Until the receiving PeerConnection is up the plugin
// sends the others' streams to both handles, and the page shows the
// publishing one's until something arrives on the other; if it does not
// connect (a network that lets one through but not a second), the page gives
// it up after RECEIVE_CONNECT_MS and stays on the publishing one.
// In e2ee rooms every frame and chat line goes through the room's E2EE
// session (web/e2ee): transforms prepared before each createOffer/createAnswer,
// the JSEP sealed (never marked e2ee while a sender would send in clear).

import { blankVideoTrack } from './local_media.js';
import { EVENT } from './protocol.js';
import { restoreRidExtensions } from './sdp_rid.js';

// A receiving PeerConnection not connected this long after its first answer
// is given up, and the page stays on its publishing one until the network
// changes (ICE alone takes ~30 s to call a pair that never answers failed; no
// second try, since while one tries the plugin sends everything twice).
const RECEIVE_CONNECT_MS = 10000;

export class MediaSession {
  // counsel: Counsel; local: LocalMedia; selfId: own participant id; e2ee: room flag;
  // crypto: the room's E2EESession (e2ee rooms; null when this page cannot encrypt);
  // simulcast: offer the camera in three layers (default)
  // ui: { onTracks(pid, { audio, video }), onStreams() (the streams list changed),
  //       onChat(from, text), onChatUnreadable(from),
  //       onChatState(state), onError(key) }
  // receive: { room, secret() } to receive on a handle of its own (see above)
  constructor(counsel, local, { selfId, e2ee, crypto = null, ui, simulcast = true, receive = null }) {
    this.counsel = counsel;
    this.crypto = e2ee ? crypto : null;
    this.simulcast = simulcast;
    this.local = local;
    this.selfId = selfId;
    this.e2ee = e2ee;
    this.ui = ui;
    this.receive = receive; // { room, secret() } to bind a receiving handle; null: never
    this.main = this._leg(counsel); // the publishing handle's negotiation
    this.rx = null; // the receiving handle's, once attached
    this.rxGivenUp = false; // a receiving PeerConnection never connected: none until the network changes
    this.placed = new Map(); // pid -> { audio, video }
    this.watched = new WeakSet(); // remote tracks whose unmute places them
    this.videoSender = null;
    this.audioSender = null;
    this.published = false;
    this.chatOpen = false;
    this.closed = false;
    this.off = [
      counsel.on('remotetrack', ({ track, mid, on }) => this._remoteTrack(track, mid, on, this.main)),
      counsel.on('dataopen', () => {
        this.chatOpen = true;
        this.ui.onChatState('open');
        if (this.crypto) this.crypto.channelOpen().catch((err) => console.error('e2ee channel', err));
      }),
      counsel.on('data', ({ data }) => {
        this._data(data).catch((err) => console.error('data', err));
      }),
      counsel.on('webrtc', ({ up }) => {
        if (!up && this.published) this.ui.onChatState('closed');
        if (!up && this.crypto) this.crypto.channelClosed();
      }),
    ];
  }

  // Whether media can flow in this room with this page.
  possible() {
    return !this.e2ee || !!this.crypto;
  }

  async publish() {
    if (!this.possible()) {
      this.ui.onChatState('unavailable');
      this.ui.onError('session.e2eeUnsupported');
      return;
    }
    this.ui.onChatState('connecting');
    const tracks = [];
    let blank = null;
    if (this.local.audioTrack) tracks.push({ type: 'audio', capture: this.local.audioTrack, recv: false });
    let video = this.local.videoTrack;
    if (!video && this.local.hasCamera()) {
      blank = blankVideoTrack();
      video = blank;
    }
    if (video) tracks.push({ type: 'video', capture: video, simulcast: this.simulcast, recv: false });
    tracks.push({ type: 'data' });
    try {
      let options = { tracks };
      if (this.crypto) options = this.crypto.prepare(options, this.counsel.handle);
      const offer = await this.counsel.createOffer(options);
      const pc = this.counsel.peerConnection();
      if (this.crypto) this.crypto.seal(offer, pc); // throws rather than send in clear
      if (pc) {
        for (const tr of pc.getTransceivers()) {
          const track = tr.sender && tr.sender.track;
          if (!track) continue;
          if (track === video) this.videoSender = tr.sender;
          if (track === this.local.audioTrack) this.audioSender = tr.sender;
        }
      }
      if (blank) {
        if (this.videoSender) await this.videoSender.replaceTrack(null);
        blank.stop();
      }
      const { msg, jsep } = await this.counsel.request({ request: 'publish' }, offer);
      this._streams(msg.streams);
      if (jsep) await this.counsel.handleRemoteJsep(jsep);
      this.published = true;
      this.startReceiving().catch((err) => console.warn('receiving handle', err));
    } catch (err) {
      if (blank) blank.stop();
      console.error('publish failed', err);
      this.ui.onChatState('unavailable');
      this.ui.onError('session.mediaFailed');
    }
  }

  // ICE restart on the same PeerConnection (the network under it changed):
  // a `publish` with an offer carrying new ICE credentials, answered by the
  // plugin as any later publish. Queued behind the plugin's offers (one
  // negotiation at a time); resolves true when the answer is applied.
  restartIce() {
    const run = async () => {
      const pc = this.counsel.peerConnection();
      if (!pc || !this.published) return false;
      try {
        let options = { iceRestart: true };
        if (this.crypto) options = this.crypto.prepare(options, this.counsel.handle);
        const offer = await this.counsel.createOffer(options);
        if (this.crypto) this.crypto.seal(offer, pc);
        const { jsep } = await this.counsel.request({ request: 'publish' }, offer);
        if (jsep) await this.counsel.handleRemoteJsep(jsep);
        return true;
      } catch (err) {
        // 487: the plugin's offer crossed ours; it is answered next (the
        // browser rolls our offer back) and the caller tries again.
        console.warn('ice restart failed', err && (err.code || err.message));
        return false;
      }
    };
    const result = this.main.offers.then(run);
    this.main.offers = result.catch(() => {});
    return result;
  }

  // --- the receiving handle ------------------------------------------------

  // One negotiation with the plugin: its handle, whose stream arrives on which
  // mid of its PeerConnection, the tracks there, its queue of offers.
  _leg(counsel) {
    return { counsel, midOwner: new Map(), live: new Map(), streams: [], offers: Promise.resolve(), off: [] };
  }

  // The PeerConnection the others' streams arrive on.
  receivingPc() {
    const leg = this.rx || this.main;
    return leg.counsel.peerConnection();
  }

  // Binds a receiving handle (after publish, and again after it was lost);
  // resolves true when the plugin sends the others' streams there.
  async startReceiving() {
    if (!this.receive || this.rx || this.closed || !this.published || this.rxGivenUp) return false;
    let counsel;
    try {
      counsel = await this.main.counsel.attachSecond();
    } catch (err) {
      console.warn('receiving handle: no handle', err && err.message);
      return false;
    }
    if (this.closed || this.rx) {
      counsel.close();
      return false;
    }
    const leg = this._leg(counsel);
    leg.off = [
      counsel.on('remotetrack', ({ track, mid, on }) => this._remoteTrack(track, mid, on, leg)),
      counsel.on('event', ({ msg, jsep }) => this.handleEvent(msg, jsep, leg)),
      // Its PeerConnection failed or Janus closed it: a fresh handle takes over.
      counsel.on('ice', ({ state }) => {
        if ((state === 'connected' || state === 'completed') && !leg.connected) {
          leg.connected = true;
          this._place(); // its tracks take over from the publishing handle's
        }
        if (state === 'failed') this._receivingLost(leg, `ice ${state}`);
      }),
      counsel.on('cleanup', () => this._receivingLost(leg, 'hung up')),
    ];
    this.rx = leg; // before the answer: the first offer follows it at once
    const body = { request: 'receive', room: this.receive.room, id: this.selfId, secret: this.receive.secret() };
    for (let attempt = 0; ; attempt += 1) {
      try {
        await counsel.request(body);
        console.info('[media] receiving on a PeerConnection of its own');
        return true;
      } catch (err) {
        // 487: the plugin has not yet heard that the previous receiving handle went.
        if (err && err.code === 487 && attempt < 20 && !this.closed) {
          await new Promise((r) => setTimeout(r, 150));
          continue;
        }
        console.warn('receiving handle refused', err && (err.code || err.message));
        this._dropReceiving(leg);
        return false;
      }
    }
  }

  // Ends the receiving handle (its PeerConnection goes with it).
  _dropReceiving(leg) {
    if (this.rx !== leg) return;
    this.rx = null;
    clearTimeout(leg.timer);
    for (const off of leg.off) off();
    if (this.crypto && leg.counsel.handle) this.crypto.setStreams([], leg.counsel.handle);
    leg.counsel.close();
    leg.live.clear();
    this._place();
  }

  _receivingLost(leg, why) {
    if (this.rx !== leg || this.closed || leg.restarting) return;
    leg.restarting = true;
    console.info(`[media] receiving handle lost (${why})`);
    if (!leg.connected) {
      this.rxGivenUp = true;
      // It never took over: the publishing handle has the others' streams still.
      console.info(`[media] receiving on the publishing PeerConnection: the receiving one did not connect (${why})`);
      this._dropReceiving(leg);
      return;
    }
    setTimeout(() => this.restartReceiving(), 500);
  }

  // A new receiving handle in place of the current one (after a network change
  // or when its PeerConnection failed). Nothing happens while the WebSocket is down.
  async restartReceiving() {
    if (this.closed || !this.rx || this.main.counsel.down) {
      if (this.rx) this.rx.restarting = false;
      return false;
    }
    this._dropReceiving(this.rx);
    return this.startReceiving();
  }

  // After the network changed: a receiving PeerConnection that is not connected
  // (or, with `force`, any) is replaced.
  recoverReceiving(force = false) {
    // Another network may let a second PeerConnection through.
    if (force && !this.rx && this.rxGivenUp) {
      this.rxGivenUp = false;
      return this.startReceiving();
    }
    const pc = this.rx ? this.rx.counsel.peerConnection() : null;
    if (!this.rx || (!force && pc && ['connected', 'completed'].includes(pc.iceConnectionState))) return Promise.resolve(false);
    return this.restartReceiving();
  }

  // Own receiving: video of the others (true) or their sound only (false, for a poor link).
  async setReceiveVideo(on) {
    await this.counsel.request({ request: 'configure', receive_video: !!on });
  }

  // A plugin message for the media side (on `leg`: the publishing handle
  // unless said otherwise); returns true if it was one.
  handleEvent(msg, jsep, leg = this.main) {
    if (msg.counsel !== EVENT.MEDIA) return false;
    this._streams(msg.streams, leg);
    if (jsep && jsep.type === 'offer') {
      // One answer at a time per PeerConnection, in the order the offers came.
      leg.offers = leg.offers.then(() => this._answer(jsep, msg.streams, leg)).catch(() => {});
    }
    return true;
  }

  async _answer(jsep, streams, leg) {
    const counsel = leg.counsel;
    try {
      // No tracks: the existing senders stay as they are (tests/e2e/README.md,
      // "janus.js renegotiation notes"); new m-lines are answered recvonly.
      const pc = counsel.peerConnection();
      const local = pc && pc.localDescription ? pc.localDescription.sdp : '';
      let options = { jsep: { ...jsep, sdp: restoreRidExtensions(jsep.sdp, local) } };
      if (this.crypto) {
        // whose key opens which mid, before the offer applies
        this.crypto.setStreams(streams, counsel.handle);
        options = this.crypto.prepare(options, counsel.handle);
      }
      const answer = await counsel.createAnswer(options);
      if (this.crypto) this.crypto.seal(answer, counsel.peerConnection());
      await counsel.request({ request: 'answer' }, answer);
      // The receiving PeerConnection exists from its first answer on (none
      // while the person is alone): from then on it has RECEIVE_CONNECT_MS.
      if (leg !== this.main && !leg.timer) {
        leg.timer = setTimeout(() => leg.connected || this._receivingLost(leg, `not connected in ${RECEIVE_CONNECT_MS / 1000} s`), RECEIVE_CONNECT_MS);
      }
    } catch (err) {
      console.error('answer failed', err);
      this.ui.onError('session.mediaFailed');
    }
  }

  _streams(streams, leg = this.main) {
    if (!Array.isArray(streams)) return;
    leg.streams = streams;
    if (this.crypto) this.crypto.setStreams(streams, leg.counsel.handle);
    leg.midOwner = new Map();
    for (const s of streams) {
      if (!s || s.mid === undefined || s.mid === null) continue;
      if (s.id === this.selfId) continue;
      leg.midOwner.set(String(s.mid), { id: s.id, kind: s.kind });
    }
    this._place();
    if (this.ui.onStreams) this.ui.onStreams();
  }

  // Which kinds of `pid`'s media the plugin forwards to this page.
  kindsOf(pid) {
    const out = { audio: false, video: false };
    for (const leg of this._legs()) for (const o of leg.midOwner.values()) if (o.id === pid) out[o.kind] = true;
    return out;
  }

  // The receiving handle last, once its PeerConnection is connected: until
  // then (and if it never connects) the plugin sends the others' streams to
  // the publishing handle as well; then its tracks win.
  _legs() {
    return this.rx && this.rx.connected ? [this.main, this.rx] : [this.main];
  }

  _remoteTrack(track, mid, on, leg) {
    mid = String(mid);
    if (on) {
      leg.live.set(mid, track);
      if (!this.watched.has(track)) {
        this.watched.add(track);
        track.addEventListener('unmute', () => this._place());
      }
    } else if (leg.live.get(mid) === track) {
      leg.live.delete(mid);
    }
    this._place();
  }

  // Puts every live remote track into its owner's tile (idempotent).
  _place() {
    const next = new Map();
    for (const leg of this._legs()) {
      for (const [mid, track] of leg.live) {
        const owner = leg.midOwner.get(mid);
        if (!owner || track.readyState === 'ended') continue;
        const kind = track.kind;
        if (!next.has(owner.id)) next.set(owner.id, { audio: null, video: null });
        const tracks = next.get(owner.id);
        // A later leg's track takes over once something arrives on it (no black tile in between).
        if (tracks[kind] && track.muted) continue;
        tracks[kind] = track;
      }
    }
    for (const [pid, prev] of this.placed) {
      if (!next.has(pid) && (prev.audio || prev.video)) this.ui.onTracks(pid, { audio: null, video: null });
    }
    for (const [pid, cur] of next) {
      const prev = this.placed.get(pid);
      if (!prev || prev.audio !== cur.audio || prev.video !== cur.video) this.ui.onTracks(pid, cur);
    }
    this.placed = next;
  }

  async _data(data) {
    let parsed;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (!parsed || typeof parsed.text !== 'string') return;
    if (!this.crypto) {
      this.ui.onChat(parsed.from, parsed.text);
      return;
    }
    // Chat lines and key-rotation messages; anything that does not open is not shown.
    const r = await this.crypto.handleData(parsed.from, parsed.text);
    if (r.type === 'chat') this.ui.onChat(r.from, r.text);
    else if (r.type === 'rejected' && this.ui.onChatUnreadable) this.ui.onChatUnreadable(r.from);
  }

  async sendChat(text) {
    if (!this.chatOpen) throw new Error('chat not open');
    await this.counsel.sendData(this.crypto ? await this.crypto.encryptChat(text) : text);
  }

  // Own microphone on/off: the track is disabled (silence) and the plugin told.
  async setAudio(on) {
    this.local.setAudioOn(on);
    if (this.published || this.counsel.handle) await this._configure({ audio_muted: !on });
  }

  // The next camera (front <-> back): the sender carries the new track at once.
  async switchCamera() {
    const track = await this.local.switchCamera();
    if (this.videoSender && this.local.videoOn) await this.videoSender.replaceTrack(track).catch(() => {});
    return track;
  }

  // Own camera off: the sender stops and the camera is released; on: a new capture.
  async setVideo(on) {
    const track = await this.local.setVideoOn(on);
    if (this.videoSender) await this.videoSender.replaceTrack(on ? track : null).catch(() => {});
    await this._configure({ video_muted: !(on && track) });
    return !!(on && track);
  }

  async _configure(body) {
    try {
      await this.counsel.request({ request: 'configure', ...body });
    } catch (err) {
      console.warn('configure failed', err && err.code);
    }
  }

  close() {
    this.closed = true;
    for (const off of this.off) off();
    this.off = [];
    if (this.rx) {
      for (const off of this.rx.off) off();
      this.rx.counsel.close();
      this.rx = null;
    }
  }
}
