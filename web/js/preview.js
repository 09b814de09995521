// The own camera preview with its microphone and camera toggles, as the
// pre-join and the waiting screen show it: the live camera in a <video>
// (mirrored unless it is a phone's back camera), a placeholder when there is
// none, the toggles' state from LocalMedia, and the camera switch (front <->
// back) when the device list offers two cameras.
//
//   renderPreview(local, { video, off, mic, cam, flip })

import { bind, t } from './i18n.js';
import { setToggle } from './ui.js';

// The camera switch button (also the session's): shown with two cameras and the camera on.
export function renderFlip(btn, local) {
  btn.hidden = !(local.cameraCount >= 2 && local.videoOn && local.videoTrack);
  bind(btn, null, { title: 'toggle.flipHelp' });
}

// local: LocalMedia; video: <video>; off: the placeholder shown without a
// picture; mic, cam, flip: the buttons. Returns the video track shown (or null).
export function renderPreview(local, { video, off, mic, cam, flip }) {
  const vt = local.videoTrack;
  if (vt) {
    if (!video.srcObject || video.srcObject.getVideoTracks()[0] !== vt) {
      video.srcObject = new MediaStream([vt]);
      video.play().catch(() => {});
    }
  } else {
    video.srcObject = null;
  }
  video.hidden = !vt;
  video.classList.toggle('mirror', local.mirrored());
  off.hidden = !!vt;
  setToggle(mic, {
    on: local.audioOn && !!local.audioTrack,
    iconOn: 'mic',
    iconOff: 'mic-off',
    label: t('toggle.micLabel'),
    labelOn: t('toggle.micOn'),
    labelOff: t('toggle.micOff'),
  });
  mic.disabled = !local.audioTrack;
  setToggle(cam, {
    on: local.videoOn && !!vt,
    iconOn: 'cam',
    iconOff: 'cam-off',
    label: t('toggle.camLabel'),
    labelOn: t('toggle.camOn'),
    labelOff: t('toggle.camOff'),
  });
  cam.disabled = !local.hasCamera();
  if (flip) renderFlip(flip, local);
  return vt;
}
