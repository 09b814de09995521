// The own camera preview with its microphone and camera toggles, as the
// pre-join and the waiting screen show it: the live camera in a <video>, a
// placeholder when there is none, the toggles' state from LocalMedia.
//
//   renderPreview(local, { video, off, mic, cam })

import { t } from './i18n.js';
import { setToggle } from './ui.js';

// local: LocalMedia; video: <video>; off: the placeholder shown without a
// picture; mic, cam: the toggle buttons. Returns the video track shown (or null).
export function renderPreview(local, { video, off, mic, cam }) {
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
  return vt;
}
