'use strict';
// Accessibility and small screens of the web page (issue 4):
// - keyboard only: on every screen Tab reaches every control, each has an
//   accessible name (Playwright's ARIA snapshot) and a visible focus ring;
//   a client joins and the moderator admits, mutes and removes by keyboard
//   alone; lobby changes and chat are in live regions;
// - the client's screens at 360x740 (a small phone): nothing wider than the
//   screen, every control inside it, screenshots.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_a11y.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb } = require('../support');
const { shot, waitScreen, endKind, createSession, enterAsModerator, openLinkAndJoin, waitLobby, waitTiles, waitForPreview } = require('./web_support/flow');
const { assertKeyboardScreen, tabTo, startAtTop } = require('./web_support/a11y');
const { assertFits } = require('./web_support/layout');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

test('web a11y: keyboard only, names on every control, visible focus, live regions', { skip }, (t) =>
  runWeb(t, { timeoutMs: 150000 }, async (env) => {
    const mod = await env.open('', { name: 'practitioner' });
    await waitScreen(mod, 'screen-practitioner');
    await mod.page.getByRole('button', { name: 'Person hinzufügen' }).click();
    await assertKeyboardScreen(mod, 'practitioner form');

    // The whole form by keyboard: key, title, labels, create.
    await startAtTop(mod);
    await tabTo(mod, 'Praxisschlüssel');
    await mod.page.keyboard.type(env.practitionerKey);
    await tabTo(mod, 'Bezeichnung von Person 1');
    await mod.page.keyboard.type('Mutter');
    await tabTo(mod, 'Bezeichnung von Person 2');
    await mod.page.keyboard.type('Vater');
    await tabTo(mod, 'Sitzung erstellen');
    await mod.page.keyboard.press('Enter');
    await waitScreen(mod, 'screen-links');
    const seenLinks = await assertKeyboardScreen(mod, 'links');
    assert.ok(seenLinks.some((s) => s.name === 'Link für Mutter kopieren'), JSON.stringify(seenLinks));
    const link = await mod.page.getByLabel('Mutter', { exact: true }).inputValue();
    const link2 = await mod.page.getByLabel('Vater', { exact: true }).inputValue();

    await startAtTop(mod);
    await tabTo(mod, 'Als Gesprächsleitung eintreten');
    await mod.page.keyboard.press('Enter');
    await waitScreen(mod, 'screen-prejoin');
    await waitForPreview(mod);
    await assertKeyboardScreen(mod, 'moderator pre-join');
    await startAtTop(mod);
    await tabTo(mod, 'Ihr Name');
    await mod.page.keyboard.type('Dr. Berger');
    await mod.page.keyboard.press('Enter'); // submits the form
    await waitScreen(mod, 'screen-session');

    // A client by keyboard alone: notice, name, enter.
    const c = await env.open(link, { name: 'client' });
    await waitScreen(c, 'screen-prejoin');
    await waitForPreview(c);
    await assertKeyboardScreen(c, 'client pre-join');
    await startAtTop(c);
    await tabTo(c, 'Ich habe den Hinweis gelesen und halte mich daran.');
    await c.page.keyboard.press('Space');
    assert.equal(await c.page.getByLabel('Ich habe den Hinweis gelesen und halte mich daran.').isChecked(), true);
    await tabTo(c, 'Ihr Name');
    await c.page.keyboard.type('Anna');
    await tabTo(c, 'Eintreten');
    await c.page.keyboard.press('Enter');
    await waitScreen(c, 'screen-waiting');
    await assertKeyboardScreen(c, 'client waiting');

    // The moderator hears of the arrival in a live region.
    await waitLobby(mod, ['Anna']);
    await mod.page.waitForFunction(() => /Anna wartet im Warteraum/.test(document.getElementById('announcer').textContent));
    assert.equal(await mod.page.locator('#announcer').getAttribute('aria-live'), 'polite');
    await assertKeyboardScreen(mod, 'moderator console with lobby');

    // Admit by keyboard.
    await startAtTop(mod);
    await tabTo(mod, 'Einlassen: Anna');
    await mod.page.keyboard.press('Enter');
    await waitScreen(c, 'screen-session');
    await waitTiles(mod, 2);
    await mod.page.waitForFunction(() => /Anna ist jetzt im Raum/.test(document.getElementById('announcer').textContent));
    await assertKeyboardScreen(c, 'client session');
    await assertKeyboardScreen(mod, 'moderator session');

    // The client's own toggles by keyboard (Space), with pressed state.
    await startAtTop(c);
    await tabTo(c, 'Mikrofon');
    assert.equal(await c.page.evaluate(() => document.activeElement.getAttribute('aria-pressed')), 'true');
    await c.page.keyboard.press('Space');
    await c.page.waitForFunction(() => document.getElementById('btn-mic').getAttribute('aria-pressed') === 'false');
    await mod.page.locator('.tile:not(.self) .mark').first().waitFor(); // the moderator sees her microphone is off
    await c.page.keyboard.press('Space');
    await c.page.waitForFunction(() => document.getElementById('btn-mic').getAttribute('aria-pressed') === 'true');

    // Chat is a live log.
    assert.equal(await c.page.locator('#chat-log').getAttribute('role'), 'log');
    assert.equal(await c.page.locator('#chat-log').getAttribute('aria-live'), 'polite');

    // The confirmation dialogs by keyboard: Escape cancels, focus is trapped and comes back.
    await startAtTop(mod);
    await tabTo(mod, 'Entfernen: Anna');
    await mod.page.keyboard.press('Enter');
    await mod.page.locator('#dlg-confirm').waitFor({ state: 'visible' });
    assert.equal(await mod.page.evaluate(() => document.activeElement.textContent), 'Abbrechen', 'the safe choice has the focus');
    await assertKeyboardScreen(mod, 'remove confirmation dialog');
    await mod.page.keyboard.press('Escape');
    await mod.page.locator('#dlg-confirm').waitFor({ state: 'hidden' });
    assert.equal(await mod.page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Entfernen: Anna', 'focus back on the button');
    await mod.page.keyboard.press('Enter');
    await mod.page.locator('#dlg-confirm').waitFor({ state: 'visible' });
    await mod.page.keyboard.press('Tab');
    await mod.page.keyboard.press('Enter'); // "Entfernen"
    assert.equal(await endKind(c), 'removed');
    await assertKeyboardScreen(c, 'client removed');

    // Message and incident dialogs.
    const c2 = await openLinkAndJoin(env, link2, 'Vera', { pageName: 'client-2' });
    await waitLobby(mod, ['Vera']);
    await startAtTop(mod);
    await tabTo(mod, 'Nachricht: Vera');
    await mod.page.keyboard.press('Enter');
    await mod.page.locator('#dlg-message').waitFor({ state: 'visible' });
    await assertKeyboardScreen(mod, 'message dialog');
    await mod.page.keyboard.type('Einen Moment bitte.');
    await startAtTop(mod);
    await tabTo(mod, 'Nachricht senden');
    await mod.page.keyboard.press('Enter');
    await c2.page.locator('#waiting-message').waitFor({ state: 'visible' });
    assert.equal(await c2.page.locator('#waiting-message').getAttribute('aria-live'), 'polite');

    await startAtTop(mod);
    await tabTo(mod, 'Vorfall melden');
    await mod.page.keyboard.press('Enter');
    await mod.page.locator('#dlg-incident').waitFor({ state: 'visible' });
    await assertKeyboardScreen(mod, 'incident dialog');
    await mod.page.keyboard.press('Escape');

    // End by keyboard; the end screen too.
    await startAtTop(mod);
    await tabTo(mod, 'Sitzung beenden');
    await mod.page.keyboard.press('Enter');
    await mod.page.locator('#dlg-confirm').waitFor({ state: 'visible' });
    await mod.page.keyboard.press('Tab');
    await mod.page.keyboard.press('Enter');
    assert.equal(await endKind(mod), 'endedModerator');
    await assertKeyboardScreen(mod, 'moderator ended');
    assert.equal(await endKind(c2), 'ended');
  }));

test('web a11y: the client screens at 360x740', { skip }, (t) =>
  runWeb(t, { timeoutMs: 120000 }, async (env) => {
    const mod = await env.open('', { name: 'practitioner' });
    const { links } = await createSession(mod, { key: env.practitionerKey, labels: ['Klientin', 'Zweite'] });
    await enterAsModerator(mod, 'Herr Okafor');
    const viewport = { width: 360, height: 740 };

    // Nothing sticks out to the right; every visible control is inside the screen.
    const fits = (tp, label) => assertFits(tp, label);

    const c = await env.open(links.Klientin, { name: 'phone-client', viewport });
    await waitScreen(c, 'screen-prejoin');
    await waitForPreview(c);
    await fits(c, 'pre-join');
    await shot(c, 'm01-phone-prejoin');
    await c.page.getByLabel('Ich habe den Hinweis gelesen und halte mich daran.').check();
    await c.page.getByLabel('Ihr Name').fill('Mara');
    await c.page.getByRole('button', { name: 'Eintreten', exact: true }).click();
    await waitScreen(c, 'screen-waiting');
    await fits(c, 'waiting');
    await shot(c, 'm02-phone-waiting');

    await waitLobby(mod, ['Mara']);
    await mod.page.getByRole('button', { name: 'Nachricht: Mara' }).click();
    await mod.page.locator('#dlg-message-text').fill('Ich bin gleich bei Ihnen. Bitte halten Sie Ihre Versichertenkarte bereit.');
    await mod.page.locator('#dlg-message').getByRole('button', { name: 'Nachricht senden' }).click();
    await c.page.locator('#waiting-message').waitFor({ state: 'visible' });
    await fits(c, 'waiting with message');
    await shot(c, 'm03-phone-waiting-message');

    await mod.page.getByRole('button', { name: 'Einlassen: Mara' }).click();
    await waitScreen(c, 'screen-session');
    await waitTiles(c, 2);
    await c.page.waitForTimeout(1000);
    await fits(c, 'session');
    await shot(c, 'm04-phone-session');
    // The chat button takes the client to the chat.
    await c.page.getByRole('button', { name: 'Chat' }).click();
    await c.page.waitForFunction(() => document.getElementById('chat-panel').contains(document.activeElement));
    await shot(c, 'm05-phone-session-chat');

    await c.page.getByRole('button', { name: 'Verlassen' }).click();
    await c.page.locator('#dlg-confirm').waitFor({ state: 'visible' });
    await fits(c, 'leave dialog');
    await shot(c, 'm06-phone-leave-confirm');
    await c.page.locator('#dlg-confirm').getByRole('button', { name: 'Verlassen' }).click();
    assert.equal(await endKind(c), 'left');
    await fits(c, 'left');
    await shot(c, 'm07-phone-left');

    // Denied and ended at 360 px.
    const d = await openLinkAndJoin(env, links.Zweite, 'Jo', { viewport, pageName: 'phone-denied' });
    await waitLobby(mod, ['Jo']);
    await mod.page.getByRole('button', { name: 'Abweisen: Jo' }).click();
    await mod.page.locator('#dlg-confirm').getByRole('button', { name: 'Nicht jetzt' }).click();
    assert.equal(await endKind(d), 'denied');
    await fits(d, 'denied');
    await shot(d, 'm08-phone-denied');

    await mod.page.getByRole('button', { name: 'Sitzung beenden' }).click();
    await mod.page.locator('#dlg-confirm').getByRole('button', { name: 'Sitzung beenden' }).click();
    await endKind(mod);
    const e = await env.open(links.Klientin, { name: 'phone-ended', viewport });
    assert.equal(await endKind(e), 'ended');
    await fits(e, 'ended');
    await shot(e, 'm09-phone-ended');
  }));
