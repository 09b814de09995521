'use strict';
// Init scripts (env.open({ initScripts })) that give a Chromium page another
// browser's traits, for what no browser here can show by itself (there is no
// WebKit with WebRTC on this machine), and one that stands in for a plugin
// field that is not there yet. They run before the page's own scripts (after
// the harness's RTCPeerConnection recorder).

// Safari's (and Firefox's) end-to-end encryption path: RTCRtpScriptTransform
// only — no createEncodedStreams, so neither the page nor janus.js can ask for
// Chromium's encodedInsertableStreams — and a transform set on a sender or
// receiver after it was made is honoured. Chromium honours such a transform
// only on a PeerConnection created with encodedInsertableStreams (see
// web/e2ee/README.md, "Transforms and janus.js"); this script creates every
// PeerConnection so, which the page cannot see, so the page runs exactly the
// code Safari and Firefox run.
const SCRIPT_TRANSFORM_ONLY = `(() => {
  for (const C of [window.RTCRtpSender, window.RTCRtpReceiver]) {
    if (!C) continue;
    delete C.prototype.createEncodedStreams;
    delete C.prototype.createEncodedAudioStreams;
    delete C.prototype.createEncodedVideoStreams;
  }
  const Base = window.RTCPeerConnection;
  class LateTransformsHonoured extends Base {
    constructor(config, ...rest) {
      super({ ...(config || {}), encodedInsertableStreams: true }, ...rest);
    }
  }
  window.RTCPeerConnection = LateTransformsHonoured;
  window.__traits = Object.assign(window.__traits || {}, { scriptTransformOnly: true });
})();`;

// A client that offers only H.264 (constrained baseline 42e01f,
// packetization-mode 1): every offer the page makes lists no other video
// codec, and the browser says (getCapabilities) it has no other — a device
// with H.264 alone. (The plugin learns what a person can decode from their
// own offer, so it forwards them only H.264 streams.)
const H264_ONLY_OFFERS = `(() => {
  const proto = window.RTCPeerConnection.prototype;
  const createOffer = proto.createOffer;
  const keep = (c) => !['video/vp8', 'video/vp9', 'video/av1'].includes(c.mimeType.toLowerCase());
  for (const C of [RTCRtpSender, RTCRtpReceiver]) {
    const get = C.getCapabilities.bind(C);
    C.getCapabilities = (kind) => {
      const caps = get(kind);
      return kind === 'video' && caps ? { ...caps, codecs: caps.codecs.filter(keep) } : caps;
    };
  }
  const h264 = () => RTCRtpSender.getCapabilities('video').codecs.filter((c) =>
    c.mimeType.toLowerCase() === 'video/h264' && /packetization-mode=1/.test(c.sdpFmtpLine || '') && /profile-level-id=42e01f/i.test(c.sdpFmtpLine || ''));
  proto.createOffer = function (...args) {
    for (const t of this.getTransceivers()) {
      if (t.stopped || t.currentDirection === 'stopped' || !t.receiver || t.receiver.track.kind !== 'video') continue;
      const codecs = h264();
      if (!codecs.length) throw new Error('no H.264 constrained baseline in this browser');
      t.setCodecPreferences(codecs);
    }
    return createOffer.apply(this, args);
  };
  window.__traits = Object.assign(window.__traits || {}, { h264OnlyOffers: true });
})();`;

// A smaller camera: the page asks for 1280x720; this makes Chromium's fake
// camera deliver 640x360 (Firefox is capped in tests/support/firefox.js), so a
// room of three or four pages, each encoding three simulcast layers and
// decoding the others, fits on a shared 2-core test machine.
const SMALL_CAMERA = `(() => {
  const md = navigator.mediaDevices;
  if (!md || !md.getUserMedia) return;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => {
    if (c && c.video) c = { ...c, video: { ...(typeof c.video === 'object' ? c.video : {}), width: { ideal: 640 }, height: { ideal: 360 } } };
    return gum(c);
  };
})();`;

// A phone's two cameras: the device list offers a front camera (facingMode
// "user") and a back camera ("environment"); both deliver Chromium's fake
// picture, each track says which camera it is (label, getSettings()).
// (Chromium's own second fake device, device-count=2, is a depth camera whose
// frames no video encoder takes: it would send nothing.)
const PHONE_CAMERAS = `(() => {
  const md = navigator.mediaDevices;
  if (!md) return;
  const enumerate = md.enumerateDevices.bind(md);
  const gum = md.getUserMedia.bind(md);
  const CAMS = [
    { deviceId: 'phone-front', label: 'Frontkamera', facingMode: 'user' },
    { deviceId: 'phone-back', label: 'Rückkamera', facingMode: 'environment' },
  ];
  md.enumerateDevices = async () => {
    const list = await enumerate();
    if (!list.some((d) => d.kind === 'videoinput' && d.deviceId)) return list; // no permission yet: as it is
    const cams = CAMS.map((c) => ({ deviceId: c.deviceId, groupId: 'phone', kind: 'videoinput', label: c.label }));
    return [...list.filter((d) => d.kind !== 'videoinput'), ...cams];
  };
  md.getUserMedia = async (constraints) => {
    if (!constraints || !constraints.video) return gum(constraints);
    const v = typeof constraints.video === 'object' ? constraints.video : {};
    const id = v.deviceId && (v.deviceId.exact || v.deviceId.ideal || v.deviceId);
    const cam = CAMS.find((c) => c.deviceId === id) || CAMS[0];
    const { deviceId, facingMode, ...rest } = v;
    const stream = await gum({ ...constraints, video: Object.keys(rest).length ? rest : true });
    for (const track of stream.getVideoTracks()) {
      const settings = track.getSettings.bind(track);
      track.getSettings = () => ({ ...settings(), deviceId: cam.deviceId, facingMode: cam.facingMode });
      Object.defineProperty(track, 'label', { value: cam.label });
    }
    return stream;
  };
})();`;

module.exports = { SCRIPT_TRANSFORM_ONLY, H264_ONLY_OFFERS, SMALL_CAMERA, PHONE_CAMERAS };
