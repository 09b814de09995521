// The participant tiles: one per admitted person (own tile first), with the
// video (or initials when there is none), the name, mute marks, the remote
// audio, a phone mark for a caller, and for the moderator the mute / camera /
// remove controls (a caller has no camera control). When this
// browser cannot show a person's picture (a codec it lacks), the tile says so
// and what to use instead, never a silent black tile.

import { bind, t } from '../i18n.js';
import { h, icon, initials } from '../ui.js';
import { isPhoneCaller } from '../protocol.js';

export class Tiles {
  // container: <div>; options: { moderator, selfId, onMute(p, kind, muted), onKick(p) }
  constructor(container, options) {
    this.container = container;
    this.options = options;
    this.people = new Map(); // id -> participant (from the plugin)
    this.tiles = new Map(); // id -> { root, video, audio, avatar, name, marks, actions }
    this.tracks = new Map(); // id -> { audio, video }
    this.unplayable = new Map(); // id -> { video: [codec, ...] } this browser cannot decode
    this.local = { stream: null, audioOn: true, videoOn: true, mirrored: true };
    this.empty = null;
  }

  setSelfId(id) {
    this.options.selfId = id;
  }

  // participants: [{ id, display, role, muted:{audio,video}, self_muted:{audio,video}, reconnecting }]
  setParticipants(list) {
    const ids = new Set(list.map((p) => p.id));
    for (const id of [...this.tiles.keys()]) {
      if (!ids.has(id)) {
        this.tiles.get(id).root.remove();
        this.tiles.delete(id);
        this.people.delete(id);
      }
    }
    // Own tile first, then the moderator, then everyone in order of arrival.
    const ordered = [...list].sort((a, b) => rank(a, this.options.selfId) - rank(b, this.options.selfId));
    for (const p of ordered) {
      this.people.set(p.id, p);
      let tile = this.tiles.get(p.id);
      if (!tile) {
        tile = this._create(p);
        this.tiles.set(p.id, tile);
      }
      this.container.append(tile.root); // keeps the order
      this._render(p.id);
    }
    this._renderEmpty();
    this.container.dataset.count = String(Math.min(this.tiles.size, 9));
  }

  setTracks(id, { audio, video }) {
    this.tracks.set(id, { audio, video });
    if (this.tiles.has(id)) this._render(id);
  }

  // kind 'audio' | 'video'; codecs: the codecs this browser lacks for that
  // person's stream ([] when not known), null: it plays (again).
  setUnplayable(id, kind, codecs) {
    const was = this.unplayable.get(id) || {};
    if (JSON.stringify(was[kind] || null) === JSON.stringify(codecs || null)) return;
    this.unplayable.set(id, { ...was, [kind]: codecs || null });
    if (this.tiles.has(id)) this._render(id);
  }

  setLocal({ stream, audioOn, videoOn, mirrored = true }) {
    this.local = { stream, audioOn, videoOn, mirrored };
    if (this.tiles.has(this.options.selfId)) this._render(this.options.selfId);
  }

  refresh() {
    for (const id of this.tiles.keys()) this._render(id);
    this._renderEmpty();
  }

  _renderEmpty() {
    const alone = this.tiles.size <= 1;
    if (alone && !this.empty) {
      this.empty = h('div', { class: 'tiles-empty' }, h('p', {}));
      this.container.after(this.empty);
    }
    if (!alone && this.empty) {
      this.empty.remove();
      this.empty = null;
    }
    if (this.empty) bind(this.empty.firstChild, this.options.moderator ? 'session.alone' : 'session.aloneClient');
  }

  _create(p) {
    const self = p.id === this.options.selfId;
    const video = h('video', { autoplay: true, playsinline: true, class: self ? 'mirror' : '' });
    video.muted = true; // audio plays through the <audio> element
    const audio = self ? null : h('audio', { autoplay: true });
    const avatar = h('div', { class: 'avatar', 'aria-hidden': 'true' }, h('span', {}));
    const name = h('span', { class: 'tile-name' });
    const marks = h('span', { class: 'tile-marks' });
    const media = h('div', { class: 'tile-media' }, video, avatar, audio);
    const caption = h('div', { class: 'tile-caption' }, name, marks);
    const note = h('p', { class: 'tile-note', hidden: true });
    const root = h('li', { class: 'tile', dataset: { pid: String(p.id) } }, media, note, caption);
    const tile = { root, video, audio, avatar, name, marks, note, actions: null };
    if (this.options.moderator && !self) {
      const mute = h('button', { type: 'button', class: 'tile-button', dataset: { act: 'mute' } });
      const cam = h('button', { type: 'button', class: 'tile-button', dataset: { act: 'video' } });
      const kick = h('button', { type: 'button', class: 'tile-button danger-text', dataset: { act: 'kick' } });
      mute.addEventListener('click', () => {
        const cur = this.people.get(p.id);
        this.options.onMute(cur, 'audio', !(cur.muted && cur.muted.audio));
      });
      cam.addEventListener('click', () => {
        const cur = this.people.get(p.id);
        this.options.onMute(cur, 'video', !(cur.muted && cur.muted.video));
      });
      kick.addEventListener('click', () => this.options.onKick(this.people.get(p.id)));
      tile.actions = { mute, cam, kick };
      root.append(h('div', { class: 'tile-actions' }, mute, cam, kick));
    }
    return tile;
  }

  _render(id) {
    const p = this.people.get(id);
    const tile = this.tiles.get(id);
    if (!p || !tile) return;
    const self = id === this.options.selfId;
    const name = p.display || '';
    tile.root.classList.toggle('self', self);
    // Their connection is being restored (the plugin keeps their seat meanwhile).
    const reconnecting = !self && !!p.reconnecting;
    tile.root.classList.toggle('reconnecting', reconnecting);
    tile.root.classList.toggle('host', p.role === 'moderator');
    if (self) bind(tile.name, 'tile.you', null, { name });
    else if (p.role === 'moderator') {
      delete tile.name.dataset.i18n;
      tile.name.replaceChildren(name, h('span', { class: 'role-tag', i18n: ['session.moderator'] }));
    } else {
      delete tile.name.dataset.i18n;
      tile.name.textContent = name;
    }
    tile.avatar.firstChild.textContent = initials(name);

    const modMuted = p.muted || { audio: false, video: false };
    const selfMuted = p.self_muted || { audio: false, video: false };
    let videoTrack = null;
    let audioOff;
    let videoOff;
    if (self) {
      videoTrack = this.local.videoOn && this.local.stream ? this.local.stream.getVideoTracks()[0] || null : null;
      audioOff = !this.local.audioOn || modMuted.audio;
      videoOff = !videoTrack || modMuted.video;
    } else {
      const tr = this.tracks.get(id) || {};
      videoTrack = tr.video || null;
      audioOff = modMuted.audio || selfMuted.audio;
      videoOff = !videoTrack || modMuted.video || selfMuted.video;
      const audioTrack = tr.audio || null;
      const cur = tile.audio.srcObject ? tile.audio.srcObject.getAudioTracks()[0] : null;
      if (audioTrack !== cur) {
        tile.audio.srcObject = audioTrack ? new MediaStream([audioTrack]) : null;
        if (audioTrack) tile.audio.play().catch(() => {});
      }
    }
    const curVideo = tile.video.srcObject ? tile.video.srcObject.getVideoTracks()[0] : null;
    if (videoTrack !== curVideo) {
      tile.video.srcObject = videoTrack ? new MediaStream([videoTrack]) : null;
      if (videoTrack) tile.video.play().catch(() => {});
    }
    if (self) tile.video.classList.toggle('mirror', this.local.mirrored);
    const cannot = !self && this.unplayable.get(id);
    if (cannot && cannot.video) {
      videoOff = true;
      const codecs = cannot.video.map((c) => (/^h264$/i.test(c) ? 'H.264' : c));
      const instead = codecs.includes('H.264') ? t('tile.insteadH264') : t('tile.insteadOther');
      tile.note.textContent = codecs.length
        ? t('tile.videoUnsupported', { name, codec: codecs.join(', '), instead })
        : t('tile.videoMissing', { name, instead });
    }
    tile.note.hidden = !(cannot && cannot.video);
    tile.root.classList.toggle('no-video', videoOff);
    tile.video.hidden = videoOff;

    const marks = [];
    if (isPhoneCaller(p)) marks.push(h('span', { class: 'mark', title: t('tile.phone') }, icon('phone'), h('span', { class: 'visually-hidden', i18n: ['tile.phone'] })));
    if (reconnecting) marks.push(h('span', { class: 'mark mark-text mark-net', i18n: ['tile.reconnecting'] }));
    if (audioOff) marks.push(h('span', { class: 'mark', title: t('tile.micOff') }, icon('mic-off'), h('span', { class: 'visually-hidden', i18n: ['tile.micOff'] })));
    // The camera mark means someone turned it off, not that no picture has arrived yet.
    const cameraOff = self ? !this.local.videoOn || modMuted.video : modMuted.video || selfMuted.video;
    if (cameraOff) marks.push(h('span', { class: 'mark', title: t('tile.camOff') }, icon('cam-off'), h('span', { class: 'visually-hidden', i18n: ['tile.camOff'] })));
    if (modMuted.audio || modMuted.video) marks.push(h('span', { class: 'mark mark-text', i18n: ['tile.mutedByModerator'] }));
    tile.marks.replaceChildren(...marks);

    if (tile.actions) {
      // The accessible name is the visible text followed by the person's name.
      const { mute, cam, kick } = tile.actions;
      const label = (btn, iconName, key) => {
        btn.setAttribute('aria-label', `${t(key)}: ${name}`);
        return [icon(iconName), h('span', { text: t(key) })];
      };
      mute.replaceChildren(...label(mute, modMuted.audio ? 'mic' : 'mic-off', modMuted.audio ? 'tile.unmuteShort' : 'tile.muteShort'));
      cam.replaceChildren(...label(cam, modMuted.video ? 'cam' : 'cam-off', modMuted.video ? 'tile.allowVideoShort' : 'tile.stopVideoShort'));
      kick.replaceChildren(...label(kick, 'user-remove', 'tile.removeShort'));
      cam.hidden = isPhoneCaller(p); // a caller has no camera
    }
  }
}

function rank(p, selfId) {
  if (p.id === selfId) return 0;
  if (p.role === 'moderator') return 1;
  return 2;
}
