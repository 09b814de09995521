'use strict';
// Debian's firefox-esr, headless, driven by puppeteer-core over WebDriver
// BiDi, with Firefox's fake camera and microphone (a colour pattern and a
// 1 kHz tone). Browser.launch({ engine: 'firefox' }) calls this; tests use
// the Browser / TestPage interface of browser.js, never this file.
//
// Environment: FIREFOX_BIN (default /usr/bin/firefox-esr).

const puppeteer = require('puppeteer-core');

const FIREFOX_BIN = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';

// origins: the http:// origins treated as secure contexts (getUserMedia and
// RTCRtpScriptTransform need one); Firefox takes host names (and host:port).
function firefoxPrefs({ origins = [] } = {}) {
  const hosts = [...new Set(origins.map((o) => new URL(o).hostname))];
  return {
    'media.navigator.streams.fake': true,
    'media.navigator.permission.disabled': true,
    'dom.securecontext.allowlist': hosts.join(','),
    // Remote audio plays without a gesture (as --autoplay-policy for Chromium).
    'media.autoplay.default': 0,
    'media.autoplay.blocking_policy': 0,
    // Encode at most 640x480 (1200 macroblocks) at 15 frames/s, as Chromium's
    // fake camera sends: a 720p software encoder per page is more than a
    // shared 2-core test machine carries next to the rest of a room.
    'media.navigator.video.max_fs': 1200,
    'media.navigator.video.max_fr': 15,
    // Plain host candidates (Janus cannot resolve mDNS names).
    'media.peerconnection.ice.obfuscate_host_addresses': false,
    // Keep timers and media running in background pages.
    'dom.min_background_timeout_value': 4,
    'dom.timeout.enable_budget_timer_throttling': false,
    'media.suspend-bkgnd-video.enabled': false,
    'browser.shell.checkDefaultBrowser': false,
    'app.update.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
  };
}

async function launchFirefox(options = {}) {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: options.executablePath || FIREFOX_BIN,
    headless: !process.env.COUNSEL_E2E_HEADED,
    extraPrefsFirefox: { ...firefoxPrefs(options), ...(options.prefs || {}) },
    args: options.args || [],
    timeout: options.launchTimeoutMs || 90000,
    protocolTimeout: 60000,
  });
}

module.exports = { launchFirefox, firefoxPrefs, FIREFOX_BIN };
