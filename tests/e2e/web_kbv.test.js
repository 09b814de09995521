'use strict';
// The web page against a server with profile = "kbv" (KBV Anlage 31b: the
// practitioner undisturbed by signal tones of further callers): the moderator's
// page plays no chime when a patient knocks — the switch under the lobby list
// starts unticked — while the lobby still shows who waits; ticking the switch
// brings the chime back for the next arrival. A chime is counted as the
// oscillators the page's WebAudio context creates (web/js/ui.js chime()).
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_kbv.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb } = require('../support');
const { createSession, enterAsModerator, openLinkAndJoin, waitLobby } = require('./web_support/flow');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

const oscillators = (p) => p.page.evaluate(() => window.counselOscillators || 0);

test('web, kbv profile: no knock chime by default, the lobby still lists the patient; the switch brings it back', { skip }, (t) =>
  runWeb(t, { timeoutMs: 120000, janus: { counsel: { profile: 'kbv' } } }, async (env) => {
    const mod = await env.open('', { name: 'practitioner' });
    const { links } = await createSession(mod, { key: env.practitionerKey, labels: ['Patientin', 'Angehöriger'] });
    await enterAsModerator(mod, 'Dr. Kaya');
    assert.equal(await mod.page.locator('#lobby-chime').isChecked(), false, 'the chime switch starts off under kbv');
    // Count every oscillator the page starts from now on (a chime is one per tone).
    await mod.page.evaluate(() => {
      window.counselOscillators = 0;
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function counted(...args) {
        window.counselOscillators += 1;
        return create.apply(this, args);
      };
    });

    await openLinkAndJoin(env, links.Patientin, 'Patientin');
    await waitLobby(mod, ['Patientin']);
    await mod.page.waitForTimeout(800);
    assert.equal(await oscillators(mod), 0, 'no chime when the patient knocked');

    await mod.page.getByLabel('Ton, wenn jemand wartet').check();
    await openLinkAndJoin(env, links['Angehöriger'], 'Angehöriger');
    await waitLobby(mod, ['Patientin', 'Angehöriger']);
    await mod.page.waitForFunction(() => (window.counselOscillators || 0) > 0, null, { timeout: 5000 });
    assert.ok((await oscillators(mod)) >= 1, 'the chime sounds once switched on');
  }));
