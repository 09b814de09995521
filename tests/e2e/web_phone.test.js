'use strict';
// Phones (issue 17): the client's screens at 360x740 with touch (Chromium's
// phone emulation) and a phone's two cameras (front and back, stubbed over
// Chromium's fake camera: web_support/traits.js), in portrait and turned to
// landscape. Checked: nothing is wider than the
// screen; the own microphone / camera / switch / leave buttons are on screen
// without scrolling and, held upright, in the lower half where the thumb of
// the holding hand reaches; the camera switch (shown because the device list
// offers two cameras) changes the camera on the pre-join screen and in the
// session (the back camera's picture is not mirrored), and the host keeps
// decoding the picture.
//
// Printed: the control boxes, the cameras used, frames the host decoded.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_phone.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb } = require('../support');
const { admit, createSession, endKind, endSession, enterAsModerator, shot, waitForPreview, waitLobby, waitScreen, waitTiles } = require('./web_support/flow');
const { assertControlsInReach, assertFits } = require('./web_support/layout');
const { untilFlowing, waitTileVideo } = require('./web_support/media');
const { PHONE_CAMERAS, SMALL_CAMERA } = require('./web_support/traits');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

const PORTRAIT = { width: 360, height: 740 };
const LANDSCAPE = { width: 740, height: 360 };
const SESSION_CONTROLS = ['btn-mic', 'btn-cam', 'btn-flip', 'btn-leave'];

// The camera the page shows in its preview (label of the track).
function previewCamera(tp, videoId) {
  return tp.evaluate((id) => {
    const v = document.getElementById(id);
    const track = v && v.srcObject ? v.srcObject.getVideoTracks()[0] : null;
    return track ? track.label : null;
  }, videoId);
}

// The camera the page sends (label of its video sender's track).
function sentCamera(tp) {
  return tp.evaluate(() => {
    for (const pc of window.__e2e.pcs) {
      for (const s of pc.getSenders()) if (s.track && s.track.kind === 'video') return s.track.label;
    }
    return null;
  });
}

test('phone: the client at 360x740 with touch, upright and turned; controls in reach; front/back camera switch', { skip }, (t) =>
  runWeb(t, { timeoutMs: 200000, pageTimeoutMs: 45000, browser: { args: ['--use-fake-device-for-media-stream=fps=15'] } }, async (env) => {
    const host = await env.open('', { name: 'host', initScripts: [SMALL_CAMERA] });
    const { links } = await createSession(host, { key: env.practitionerKey, labels: ['Jugendliche'] });
    await enterAsModerator(host, 'Frau Kern');

    const phone = await env.open(links.Jugendliche, { name: 'phone', viewport: PORTRAIT, touch: true, initScripts: [SMALL_CAMERA, PHONE_CAMERAS] });
    await waitScreen(phone, 'screen-prejoin');
    await waitForPreview(phone);
    assert.ok(await phone.evaluate(() => navigator.maxTouchPoints > 0 && matchMedia('(pointer: coarse)').matches), 'a touch screen');
    await assertFits(phone, 'pre-join, upright');

    // Two cameras: the switch is offered and takes the other one.
    await phone.waitVisible('#preview-flip');
    const cam0 = await previewCamera(phone, 'preview-video');
    await phone.tap('#preview-flip');
    await phone.waitForFunction((was) => {
      const v = document.getElementById('preview-video');
      const tr = v.srcObject && v.srcObject.getVideoTracks()[0];
      return tr && tr.readyState === 'live' && tr.label !== was && v.videoWidth > 0;
    }, cam0);
    const cam1 = await previewCamera(phone, 'preview-video');
    const mirrored = (id) => phone.evaluate((x) => document.getElementById(x).classList.contains('mirror'), id);
    t.diagnostic(`pre-join camera ${cam0} -> ${cam1}`);
    assert.deepEqual([cam0, cam1], ['Frontkamera', 'Rückkamera']);
    assert.equal(await mirrored('preview-video'), false, 'the back camera is not mirrored');
    await shot(phone, 'phone-01-prejoin-upright');

    await phone.tap({ label: 'Ich habe den Hinweis gelesen und halte mich daran.' });
    await phone.fill({ label: 'Ihr Name' }, 'Lea');
    await phone.tap({ button: 'Eintreten', exact: true });
    await waitScreen(phone, 'screen-waiting');
    await assertFits(phone, 'waiting, upright');
    await phone.waitVisible('#waiting-flip');
    await waitLobby(host, ['Lea']);
    await admit(host, 'Lea');
    await waitScreen(phone, 'screen-session');
    await waitTiles(phone, 2);
    await waitTileVideo(host, 'Lea', { timeout: 45000 });
    await phone.sleep(500);

    // Upright: everything fits, the own controls sit under the thumb.
    await assertFits(phone, 'session, upright');
    const upright = await assertControlsInReach(phone, SESSION_CONTROLS, 'session, upright', { thumbZone: true });
    t.diagnostic(`upright ${upright.viewport.width}x${upright.viewport.height}: ${JSON.stringify(upright.controls)}`);
    await shot(phone, 'phone-02-session-upright', { minColors: 32 });
    assert.equal(await sentCamera(phone), cam1, 'the session sends the camera chosen before');

    // The switch in the session: the other camera goes out, the host keeps the picture.
    await phone.tap('#btn-flip');
    await phone.waitForFunction((was) => {
      for (const pc of window.__e2e.pcs) {
        for (const s of pc.getSenders()) if (s.track && s.track.kind === 'video') return s.track.label !== was && s.track.readyState === 'live';
      }
      return false;
    }, cam1);
    const cam2 = await sentCamera(phone);
    await phone.waitForFunction(() => document.querySelector('#tiles .tile.self video').classList.contains('mirror'));
    const video = (p) => p.frames >= 8;
    const afterSwitch = (await untilFlowing(host, ['Lea'], video)).Lea;
    t.diagnostic(`session camera ${cam1} -> ${cam2}; the host decodes ${JSON.stringify(afterSwitch)}`);
    assert.equal(cam2, cam0);
    assert.ok(video(afterSwitch), `the host decodes the other camera: ${JSON.stringify(afterSwitch)}`);

    // Turned to landscape: still nothing wider than the screen, the controls on screen.
    await phone.setViewport(LANDSCAPE);
    await phone.sleep(500);
    await assertFits(phone, 'session, landscape');
    const turned = await assertControlsInReach(phone, SESSION_CONTROLS, 'session, landscape');
    t.diagnostic(`landscape ${turned.viewport.width}x${turned.viewport.height}: ${JSON.stringify(turned.controls)}`);
    await shot(phone, 'phone-03-session-landscape', { minColors: 32 });
    const landscape = (await untilFlowing(host, ['Lea'], video)).Lea;
    t.diagnostic(`landscape: the host decodes ${JSON.stringify(landscape)}`);
    assert.ok(video(landscape), JSON.stringify(landscape));

    await endSession(host);
    assert.equal(await endKind(phone), 'ended');
    await assertFits(phone, 'ended, landscape');
  }));
