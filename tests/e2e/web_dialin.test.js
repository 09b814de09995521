'use strict';
// The web page's part of phone dial-in (README "Phone dial-in"): the form's
// "dial-in by phone" option turns end-to-end encryption off and says why; the
// links screen shows each person "oder per Telefon: <number>, Raum <n>, PIN
// <p>"; a caller (here knocking through the plugin API with the service key,
// as counsel-phone does) shows up in the lobby as "Telefon 1" with a phone
// icon and a "please wait" announcement button instead of the message, and
// once admitted its tile carries the phone mark. The call itself (SIPp,
// counsel-phone, audio): phone_call.test.js.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_dialin.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb, connectCounsel } = require('../support');
const { phoneServiceCredentials } = require('./harness/phone');
const { shot, waitScreen, enterAsModerator, waitLobby, waitTiles } = require('./web_support/flow');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;
const NUMBER = '+49 30 1234567';

test('web: dial-in by phone: E2EE off with the reason, number/room/PIN per person, the caller with a phone icon, the wait prompt', { skip }, (t) =>
  runWeb(t, { timeoutMs: 120000, janus: { phone: { number: NUMBER, service_key_hash: phoneServiceCredentials().key_hash } } }, async (env) => {
    const mod = await env.open('', { name: 'practitioner' });
    await waitScreen(mod, 'screen-practitioner');
    const page = mod.page;
    await page.getByLabel('Praxisschlüssel').fill(env.practitionerKey);
    await page.getByLabel('Bezeichnung von Person 1').fill('Herr K.');
    assert.equal(await page.getByLabel('Ende-zu-Ende-Verschlüsselung').isChecked(), true, 'E2EE is on by default');
    await page.getByLabel('Zusätzlich Einwahl per Telefon').check();
    assert.equal(await page.getByLabel('Ende-zu-Ende-Verschlüsselung').isChecked(), false);
    assert.equal(await page.getByLabel('Ende-zu-Ende-Verschlüsselung').isDisabled(), true);
    assert.match(await page.locator('#opt-e2ee-help').textContent(), /Telefonanruf kann nicht Ende-zu-Ende verschlüsselt werden/);
    await shot(mod, 'phone-01-form');
    await page.getByRole('button', { name: 'Sitzung erstellen' }).click();
    await waitScreen(mod, 'screen-links');
    const line = await page.locator('#link-list .phone-line').first().textContent();
    const m = line.match(/^oder per Telefon: \+49 30 1234567, Raum (\d{6}), PIN (\d{4}) (\d{4}) (\d{4})$/);
    assert.ok(m, `phone line: ${line}`);
    assert.equal(await page.locator('#link-list .phone-line').count(), 1);
    await shot(mod, 'phone-02-links');

    await enterAsModerator(mod, 'Dr. Berger');
    // What counsel-phone does for a caller who keyed room number and PIN.
    const caller = await connectCounsel(env.janus.wsUrl, { token: env.janus.mintToken() });
    try {
      const waiting = await caller.request({
        request: 'phone_join', service_key: phoneServiceCredentials().key, room_number: m[1], pin: `${m[2]}${m[3]}${m[4]}`,
      });
      assert.equal(waiting.counsel, 'waiting', JSON.stringify(waiting));
      await waitLobby(mod, ['Telefon 1']);
      assert.equal(await page.locator('#lobby-list .lobby-phone .icon-phone').count(), 1);
      assert.equal(await page.getByRole('button', { name: 'Nachricht: Telefon 1' }).count(), 0, 'no text message to a caller');
      await shot(mod, 'phone-03-lobby');
      await page.getByRole('button', { name: 'Bitte warten (Ansage): Telefon 1' }).click();
      await caller.nextEvent((e) => e && e.counsel === 'prompt' && e.prompt === 'wait'); // the caller got the wait prompt
      await page.getByRole('button', { name: 'Einlassen: Telefon 1' }).click();
      await waitTiles(mod, 2);
      const tile = page.locator('#tiles .tile', { hasText: 'Telefon 1' });
      assert.equal(await tile.locator('.icon-phone').count(), 1, 'the phone mark on the tile');
      assert.match(await tile.locator('.tile-marks').textContent(), /per Telefon/);
      await shot(mod, 'phone-04-tile');
    } finally {
      await caller.close();
    }
  }));
