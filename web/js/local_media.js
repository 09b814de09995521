// Local devices: the camera and microphone (preview, device choice, the
// camera really off, switching to the next camera), the microphone's level,
// and what this browser can decode. What is sent is media.js's.

import { audioContext } from './ui.js';

export class LocalMedia {
  constructor() {
    this.stream = new MediaStream();
    this.audioTrack = null;
    this.videoTrack = null;
    this.cameraId = '';
    this.micId = '';
    this.audioOn = true;
    this.videoOn = true;
    this.error = null; // 'denied' | 'failed' | 'none' | 'insecure' | null
    this.cameraCount = 0; // cameras the device list offers (a switch button from two on)
    this.listeners = new Set();
    if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
      navigator.mediaDevices.addEventListener('devicechange', () => this._countCameras().then(() => this._changed()));
    }
  }

  onChange(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  _changed() {
    for (const fn of this.listeners) fn(this);
  }

  static supported() {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  // Opens camera and microphone (as far as they exist and are allowed).
  async start() {
    if (!LocalMedia.supported()) {
      this.error = window.isSecureContext ? 'none' : 'insecure';
      this._changed();
      return;
    }
    this.error = null;
    try {
      const stream = await navigator.mediaDevices.getUserMedia(this._constraints(true, true));
      this._adopt(stream.getAudioTracks()[0] || null, 'audio');
      this._adopt(stream.getVideoTracks()[0] || null, 'video');
    } catch (err) {
      // Try each kind alone: a missing camera must not cost the microphone.
      const [a, v] = await Promise.allSettled([
        navigator.mediaDevices.getUserMedia(this._constraints(true, false)),
        navigator.mediaDevices.getUserMedia(this._constraints(false, true)),
      ]);
      if (a.status === 'fulfilled') this._adopt(a.value.getAudioTracks()[0] || null, 'audio');
      if (v.status === 'fulfilled') this._adopt(v.value.getVideoTracks()[0] || null, 'video');
      if (!this.audioTrack && !this.videoTrack) {
        const name = err && err.name;
        this.error = name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : name === 'NotFoundError' ? 'none' : 'failed';
      }
    }
    if (this.videoTrack && !this.videoOn) this._stopVideo();
    await this._countCameras();
    this._changed();
  }

  async _countCameras() {
    this.cameraCount = (await this.devices().catch(() => ({ cameras: [] }))).cameras.length;
  }

  // Whether the picture should be shown mirrored: a camera that faces the
  // person (every desktop camera, a phone's front camera), not a phone's back camera.
  mirrored() {
    const s = this.videoTrack && this.videoTrack.getSettings ? this.videoTrack.getSettings() : {};
    return s.facingMode !== 'environment';
  }

  // The next camera of the device list (a phone's front <-> back). The
  // current one is released first (many phones open one camera at a time);
  // if the next does not open, the current one opens again. Returns the track.
  async switchCamera() {
    const { cameras } = await this.devices();
    this.cameraCount = cameras.length;
    if (cameras.length < 2 || !this.videoOn) return this.videoTrack;
    const at = cameras.findIndex((d) => d.deviceId === this.cameraId);
    const previous = this.cameraId;
    this.cameraId = cameras[(at + 1) % cameras.length].deviceId;
    this._stopVideo();
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(this._constraints(false, true));
    } catch {
      this.cameraId = previous;
      stream = await navigator.mediaDevices.getUserMedia(this._constraints(false, true)).catch(() => null);
    }
    if (stream) this._adopt(stream.getVideoTracks()[0], 'video');
    this._changed();
    return this.videoTrack;
  }

  _constraints(audio, video) {
    return {
      audio: audio ? (this.micId ? { deviceId: { exact: this.micId } } : true) : false,
      video: video
        ? {
            ...(this.cameraId ? { deviceId: { exact: this.cameraId } } : {}),
            width: { ideal: 1280 },
            height: { ideal: 720 },
            frameRate: { ideal: 30 },
          }
        : false,
    };
  }

  _adopt(track, kind) {
    const old = kind === 'audio' ? this.audioTrack : this.videoTrack;
    if (old && old !== track) {
      this.stream.removeTrack(old);
      old.stop();
    }
    if (kind === 'audio') {
      this.audioTrack = track;
      if (track) {
        track.enabled = this.audioOn;
        this.micId = track.getSettings().deviceId || this.micId;
      }
    } else {
      this.videoTrack = track;
      if (track) this.cameraId = track.getSettings().deviceId || this.cameraId;
    }
    if (track) this.stream.addTrack(track);
  }

  async devices() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return { cameras: [], mics: [] };
    const list = await navigator.mediaDevices.enumerateDevices();
    return {
      cameras: list.filter((d) => d.kind === 'videoinput' && d.deviceId),
      mics: list.filter((d) => d.kind === 'audioinput' && d.deviceId),
    };
  }

  async useCamera(deviceId) {
    this.cameraId = deviceId;
    if (!this.videoOn) {
      this._changed();
      return this.videoTrack;
    }
    const stream = await navigator.mediaDevices.getUserMedia(this._constraints(false, true));
    this._adopt(stream.getVideoTracks()[0], 'video');
    this._changed();
    return this.videoTrack;
  }

  async useMic(deviceId) {
    this.micId = deviceId;
    const stream = await navigator.mediaDevices.getUserMedia(this._constraints(true, false));
    this._adopt(stream.getAudioTracks()[0], 'audio');
    this._changed();
    return this.audioTrack;
  }

  setAudioOn(on) {
    this.audioOn = on;
    if (this.audioTrack) this.audioTrack.enabled = on;
    this._changed();
  }

  // Camera off really releases the camera (its light goes out); on opens it again.
  async setVideoOn(on) {
    this.videoOn = on;
    if (!on) {
      this._stopVideo();
    } else if (!this.videoTrack && LocalMedia.supported()) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia(this._constraints(false, true));
        this._adopt(stream.getVideoTracks()[0], 'video');
      } catch {
        this.videoOn = false;
      }
    }
    this._changed();
    return this.videoTrack;
  }

  _stopVideo() {
    if (this.videoTrack) {
      this.stream.removeTrack(this.videoTrack);
      this.videoTrack.stop();
      this.videoTrack = null;
    }
  }

  // Whether this browser could send video at all (a camera was found and allowed once).
  hasCamera() {
    return !!this.cameraId;
  }

  hasMic() {
    return !!this.audioTrack;
  }

  stop() {
    for (const tr of this.stream.getTracks()) tr.stop();
    this.stream = new MediaStream();
    this.audioTrack = null;
    this.videoTrack = null;
  }
}

// Microphone level 0..1 through a WebAudio analyser; calls onLevel ~15 times a second.
export class LevelMeter {
  constructor(onLevel) {
    this.onLevel = onLevel;
    this.source = null;
    this.analyser = null;
    this.timer = null;
    this.track = null;
  }

  attach(track) {
    if (track === this.track) return;
    this.detach();
    this.track = track;
    if (!track) return;
    const ctx = audioContext();
    if (!ctx) return;
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
    this.source = ctx.createMediaStreamSource(new MediaStream([track]));
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 512;
    this.source.connect(this.analyser);
    const data = new Float32Array(this.analyser.fftSize);
    let smooth = 0;
    this.timer = setInterval(() => {
      if (!this.analyser) return;
      this.analyser.getFloatTimeDomainData(data);
      let sum = 0;
      for (let i = 0; i < data.length; i += 1) sum += data[i] * data[i];
      const rms = Math.sqrt(sum / data.length);
      // Roughly -60 dBFS .. 0 dBFS -> 0 .. 1
      const db = 20 * Math.log10(rms + 1e-8);
      const level = Math.min(1, Math.max(0, (db + 60) / 60));
      smooth = Math.max(level, smooth * 0.8);
      this.onLevel(track.enabled ? smooth : 0);
    }, 66);
  }

  detach() {
    clearInterval(this.timer);
    this.timer = null;
    if (this.source) this.source.disconnect();
    this.source = null;
    this.analyser = null;
    this.track = null;
    this.onLevel(0);
  }
}

// A video track that shows nothing, to reserve the video m-line when the
// camera is off at the start (the sender's track is dropped right after).
export function blankVideoTrack() {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 360;
  const g = canvas.getContext('2d');
  g.fillStyle = '#000';
  g.fillRect(0, 0, canvas.width, canvas.height);
  return canvas.captureStream(1).getVideoTracks()[0];
}

// The video codecs the plugin forwards (VP8, H.264) that this browser cannot
// decode (Debian's Firefox without the OpenH264 plugin lacks H.264).
export function missingVideoCodecs() {
  const caps = typeof RTCRtpReceiver !== 'undefined' && RTCRtpReceiver.getCapabilities ? RTCRtpReceiver.getCapabilities('video') : null;
  const have = new Set(((caps && caps.codecs) || []).map((c) => c.mimeType.toLowerCase()));
  return [['video/vp8', 'VP8'], ['video/h264', 'H264']].filter(([mime]) => !have.has(mime)).map(([, name]) => name);
}
