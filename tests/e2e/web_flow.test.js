'use strict';
// The web page (web/) in Debian's Chromium against a real Janus with the
// counsel plugin, served by web/server/serve.js — the signaling flow of issue 4:
// a practitioner creates a session with two invitees; both open their links,
// acknowledge the notice and wait; the moderator sees both in the lobby,
// messages one, admits one and denies the other; removes the admitted client,
// then ends the session; every personal link now shows "session ended".
// Screenshots of every screen go to test-output/web/ and are checked not to be
// blank. Seeing each other's video and chat need the media layer: see
// web_media.test.js.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_flow.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb } = require('../support');
const { exhaustRoomAttempts } = require('./web_support/attempts');
const {
  shot,
  waitScreen,
  endKind,
  createSession,
  enterAsModerator,
  openLinkAndJoin,
  waitLobby,
  waitTiles,
  confirm,
  tileNames,
  waitForPreview,
} = require('./web_support/flow');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

test('web: create, lobby, message, admit, deny, remove, end; every link then shows "session ended"', { skip }, (t) =>
  runWeb(t, { timeoutMs: 120000 }, async (env) => {
    const mod = await env.open('', { name: 'practitioner' });
    await waitScreen(mod, 'screen-practitioner');
    await shot(mod, '01-practitioner-empty');

    // A wrong key: a human sentence at the key field, nothing created.
    await mod.page.getByLabel('Praxisschlüssel').fill('not-the-key');
    await mod.page.getByLabel('Bezeichnung von Person 1').fill('Mutter');
    await mod.page.getByRole('button', { name: 'Sitzung erstellen' }).click();
    await mod.page.locator('#practitioner-key-error').waitFor({ state: 'visible' });
    assert.match(await mod.page.locator('#practitioner-key-error').textContent(), /Praxisschlüssel ist nicht gültig/);
    assert.equal(await mod.page.getByLabel('Praxisschlüssel').getAttribute('aria-invalid'), 'true');
    await shot(mod, '02-practitioner-wrong-key');
    await mod.page.getByRole('button', { name: 'Person 1 entfernen' }).click();

    const { links } = await createSession(mod, {
      key: env.practitionerKey,
      labels: ['Mutter', 'Klassenlehrerin'],
      title: 'Elterngespräch',
      shots: '03-practitioner-filled',
    });
    const urls = Object.values(links);
    assert.equal(urls.length, 2);
    for (const url of urls) {
      const u = new URL(url);
      assert.equal(u.origin, env.web.origin);
      assert.equal(u.pathname, '/');
      assert.equal(u.search, '', 'nothing in the query');
      // Room, token and (E2EE is on by default) the room key: in the #fragment only.
      assert.match(u.hash, /^#room=[A-Za-z0-9_-]{22}&token=[A-Za-z0-9_-]{22}&k=[A-Za-z0-9_-]{43}$/, 'room, token and key in the #fragment only');
    }
    assert.notEqual(links.Mutter, links.Klassenlehrerin);
    // The moderator's link is nowhere on the page (memory only).
    const html = await mod.page.content();
    assert.ok(!/moderator_token/.test(html));
    await shot(mod, '04-links');

    await enterAsModerator(mod, 'Dr. Berger', { shots: '05-moderator-prejoin' });
    assert.equal(await mod.page.locator('#lobby-empty').isVisible(), true);
    await shot(mod, '06-moderator-session-alone');

    // Both invitees open their links.
    const anna = await openLinkAndJoin(env, links.Mutter, 'Anna', { shots: '07-client-prejoin', pageName: 'client-anna' });
    await shot(anna, '08-client-waiting');
    const bernd = await openLinkAndJoin(env, links.Klassenlehrerin, 'Bernd', { pageName: 'client-bernd' });

    // The moderator sees both, with a live waiting time and a cue.
    await waitLobby(mod, ['Anna', 'Bernd']);
    assert.equal(await mod.page.locator('#lobby-count').textContent(), '2');
    await mod.page.waitForFunction(() => /wartet seit/.test(document.querySelector('#lobby-list .lobby-time').textContent));
    assert.match(await mod.page.title(), /^\(2\) /);
    await shot(mod, '09-moderator-lobby-two');

    // A message to Anna while she waits (only she gets it).
    await mod.page.getByRole('button', { name: 'Nachricht: Anna' }).click();
    await mod.page.locator('#dlg-message').waitFor({ state: 'visible' });
    await mod.page.getByRole('button', { name: 'Ich bin gleich bei Ihnen.' }).click();
    await shot(mod, '10-moderator-message-dialog');
    await mod.page.locator('#dlg-message').getByRole('button', { name: 'Nachricht senden' }).click();
    await anna.page.locator('#waiting-message').waitFor({ state: 'visible' });
    assert.equal(await anna.page.locator('#waiting-message-text').textContent(), 'Ich bin gleich bei Ihnen.');
    await shot(anna, '11-client-waiting-message');
    assert.equal(await bernd.page.locator('#waiting-message').isVisible(), false, 'Bernd got no message');

    // Deny Bernd (with confirmation), admit Anna.
    await mod.page.getByRole('button', { name: 'Abweisen: Bernd' }).click();
    await shot(mod, '12-moderator-deny-confirm');
    await confirm(mod, 'Nicht jetzt');
    assert.equal(await endKind(bernd), 'denied');
    assert.match(await bernd.page.locator('#end-title').textContent(), /nicht eingelassen/);
    await shot(bernd, '13-client-denied');

    await mod.page.getByRole('button', { name: 'Einlassen: Anna' }).click();
    await waitScreen(anna, 'screen-session');
    await waitTiles(anna, 2);
    await waitTiles(mod, 2);
    await waitLobby(mod, []);
    assert.deepEqual((await tileNames(mod)).sort(), ['Anna', 'Dr. Berger'].sort());
    assert.deepEqual((await tileNames(anna)).sort(), ['Anna', 'Dr. Berger'].sort());
    await anna.page.waitForTimeout(1500); // let video start, if the media layer is there
    await shot(anna, '14-client-session');
    await shot(mod, '15-moderator-session');

    // Lock and unlock; the incident report.
    await mod.page.getByRole('button', { name: 'Raum sperren' }).click();
    await mod.page.locator('#locked-badge').waitFor({ state: 'visible' });
    await shot(mod, '16-moderator-locked');
    await mod.page.getByRole('button', { name: 'Raum entsperren' }).click();
    await mod.page.locator('#locked-badge').waitFor({ state: 'hidden' });
    await mod.page.getByRole('button', { name: 'Vorfall melden' }).click();
    await mod.page.getByLabel('Art des Vorfalls').selectOption('recording_suspected');
    await shot(mod, '17-moderator-incident');
    await mod.page.locator('#dlg-incident').getByRole('button', { name: 'Vorfall melden' }).click();
    await mod.page.locator('#toast').getByText('Der Vorfall wurde gemeldet.').waitFor();

    // Mute Anna's microphone: her page says so.
    await mod.page.getByRole('button', { name: 'Stummschalten: Anna' }).click();
    await anna.page.locator('#toast').getByText('stummgeschaltet').waitFor();
    await mod.page.getByRole('button', { name: 'Ton freigeben: Anna' }).waitFor();
    await mod.page.getByRole('button', { name: 'Ton freigeben: Anna' }).click();
    await mod.page.getByRole('button', { name: 'Stummschalten: Anna' }).waitFor();

    // Remove Anna (with confirmation).
    await mod.page.getByRole('button', { name: 'Entfernen: Anna' }).click();
    await shot(mod, '18-moderator-remove-confirm');
    await confirm(mod, 'Entfernen');
    assert.equal(await endKind(anna), 'removed');
    await shot(anna, '19-client-removed');
    await waitTiles(mod, 1);

    // End the session (with confirmation).
    await mod.page.getByRole('button', { name: 'Sitzung beenden' }).click();
    await shot(mod, '20-moderator-end-confirm');
    await confirm(mod, 'Sitzung beenden');
    assert.equal(await endKind(mod), 'endedModerator');
    await shot(mod, '21-moderator-ended');
    // The moderator can start over; nothing of the old session is left.
    await mod.page.getByRole('button', { name: 'Neue Sitzung vorbereiten' }).click();
    await waitScreen(mod, 'screen-practitioner');

    // Every personal link now shows "session ended".
    for (const [label, url] of Object.entries(links)) {
      // The page asks before the pre-join screen (a peek): the end at once.
      const tp = await env.open(url, { name: `after-end-${label}` });
      assert.equal(await endKind(tp), 'ended', `${label}'s link after the end`);
      assert.equal(await tp.page.locator('#end-title').textContent(), 'Die Sitzung ist beendet');
      await shot(tp, `22-link-after-end-${label.toLowerCase()}`);
      await tp.close();
    }
  }));

test('web: invalid, in-use, locked and too-many-attempts links get clear sentences, never codes', { skip }, (t) =>
  runWeb(t, { timeoutMs: 120000 }, async (env) => {
    const mod = await env.open('', { name: 'practitioner' });
    const { links, password } = await createSession(mod, { key: env.practitionerKey, labels: ['Klient'], password: true });
    await shot(mod, '30-links-with-password');
    await enterAsModerator(mod, 'Frau Kaya');
    const good = new URL(links.Klient);
    const params = new URLSearchParams(good.hash.slice(1));

    const noCode = async (tp) => {
      const text = await tp.page.locator('#screen-end').innerText();
      assert.ok(!/\b4\d\d\b|error_code|\{|\}/.test(text), `no codes or JSON on the end screen: ${text}`);
    };

    // A broken fragment: "link not valid" at once.
    const broken = await env.open(`#room=${params.get('room')}&token=ab%20cd`, { name: 'broken-link' });
    assert.equal(await endKind(broken), 'invalid');
    await noCode(broken);
    await shot(broken, '31-link-broken');

    // A wrong token: the plugin says 482 -> "link not valid".
    const wrong = await env.open(`#room=${params.get('room')}&token=AAAAAAAAAAAAAAAAAAAAAA`, { name: 'wrong-token' });
    assert.equal(await endKind(wrong), 'invalid');
    assert.equal(await wrong.page.locator('#end-title').textContent(), 'Dieser Link ist nicht gültig');
    await noCode(wrong);
    await shot(wrong, '32-link-invalid');

    // The right link twice at once: the second gets "already in use".
    const first = await openLinkAndJoin(env, links.Klient, 'Kim', { pageName: 'first' });
    const second = await openLinkAndJoin(env, links.Klient, 'Kim', { expect: null, pageName: 'second' });
    assert.equal(await endKind(second), 'inUse');
    await noCode(second);
    await shot(second, '33-link-in-use');
    await second.close();
    await first.page.getByRole('button', { name: 'Warteraum verlassen' }).click();
    assert.equal(await endKind(first), 'left');
    await shot(first, '34-client-left-waiting-room');
    await first.close();

    // Locked: the room address with the password gets "locked".
    await mod.page.getByRole('button', { name: 'Raum sperren' }).click();
    await mod.page.locator('#locked-badge').waitFor({ state: 'visible' });
    // The room address as the links screen shows it (with the room key: e2ee is on).
    const address = `#room=${params.get('room')}&k=${params.get('k')}`;
    const locked = await env.open(address, { name: 'locked' });
    await waitScreen(locked, 'screen-prejoin');
    assert.equal(await locked.page.getByLabel('Raumpasswort', { exact: true }).isVisible(), true, 'a link without token asks for the password');
    await locked.page.getByLabel('Ich habe den Hinweis gelesen und halte mich daran.').check();
    await locked.page.getByLabel('Ihr Name').fill('Lea');
    await locked.page.getByLabel('Raumpasswort', { exact: true }).fill(password);
    await shot(locked, '35-client-prejoin-password');
    await locked.page.getByRole('button', { name: 'Eintreten', exact: true }).click();
    assert.equal(await endKind(locked), 'locked');
    await noCode(locked);
    await shot(locked, '36-room-locked');
    // Unlocked again: "try again" leads back to the pre-join, and in.
    await mod.page.getByRole('button', { name: 'Raum entsperren' }).click();
    await mod.page.locator('#locked-badge').waitFor({ state: 'hidden' });
    await locked.page.getByRole('button', { name: 'Erneut versuchen' }).click();
    await waitScreen(locked, 'screen-prejoin');
    assert.equal(await locked.page.getByLabel('Ihr Name').inputValue(), 'Lea', 'the name is kept');
    // As read out over the phone: upper case, in groups.
    await locked.page.getByLabel('Raumpasswort', { exact: true }).fill(password.toUpperCase().replace(/(.{4})(?=.)/g, '$1 '));
    await locked.page.getByRole('button', { name: 'Eintreten', exact: true }).click();
    await waitScreen(locked, 'screen-waiting');

    // The room address cut off before its key, with the right password: the
    // knock is answered `waiting` with e2ee, and the page leaves at once.
    const cut = await env.open(`#room=${params.get('room')}`, { name: 'password-no-key' });
    await waitScreen(cut, 'screen-prejoin');
    await cut.page.getByLabel('Ich habe den Hinweis gelesen und halte mich daran.').check();
    await cut.page.getByLabel('Ihr Name').fill('Nina');
    await cut.page.getByLabel('Raumpasswort', { exact: true }).fill(password);
    await cut.page.getByRole('button', { name: 'Eintreten', exact: true }).click();
    assert.equal(await endKind(cut), 'incomplete');
    await noCode(cut);
    await waitLobby(mod, ['Lea']); // Nina is gone again at once
    await cut.close();

    // A wrong password: said at the password field, the person can correct it.
    const pw = await env.open(address, { name: 'wrong-password' });
    await waitScreen(pw, 'screen-prejoin');
    await pw.page.getByLabel('Ich habe den Hinweis gelesen und halte mich daran.').check();
    await pw.page.getByLabel('Ihr Name').fill('Max');
    await pw.page.getByLabel('Raumpasswort', { exact: true }).fill('WRONGPASSWRD');
    await pw.page.getByRole('button', { name: 'Eintreten', exact: true }).click();
    await pw.page.locator('#room-password-error').waitFor({ state: 'visible' });
    assert.match(await pw.page.locator('#room-password-error').textContent(), /Passwort/);
    await shot(pw, '37-client-wrong-password');

    // Too many attempts: the room's budget of wrong passwords spent (sent
    // straight to Janus), the next password from the page gets 486.
    const tooMany = await env.open(address, { name: 'too-many' });
    await waitScreen(tooMany, 'screen-prejoin');
    await tooMany.page.getByLabel('Ich habe den Hinweis gelesen und halte mich daran.').check();
    await tooMany.page.getByLabel('Ihr Name').fill('Eve');
    await tooMany.page.getByLabel('Raumpasswort', { exact: true }).fill(password);
    await waitForPreview(tooMany); // the page waits for its devices before joining
    await exhaustRoomAttempts(env.janus.wsUrl, params.get('room'), { token: env.janus.mintToken() });
    await tooMany.page.getByRole('button', { name: 'Eintreten', exact: true }).click();
    assert.equal(await endKind(tooMany), 'tooMany');
    assert.match(await tooMany.page.locator('#end-text').textContent(), /warten Sie einen Moment/);
    await noCode(tooMany);
    await shot(tooMany, '38-too-many-attempts');
  }));

test('web: English switch; headers (CSP, no referrer); nothing loaded from elsewhere', { skip }, (t) =>
  runWeb(t, { timeoutMs: 60000 }, async (env) => {
    const tp = await env.open('', { name: 'practitioner-en' });
    await waitScreen(tp, 'screen-practitioner');
    await tp.page.getByRole('button', { name: 'Switch to English' }).click();
    assert.equal(await tp.page.evaluate(() => document.documentElement.lang), 'en');
    await tp.page.getByRole('heading', { name: 'Prepare a new session' }).waitFor();
    await tp.page.getByLabel('Practitioner key').waitFor();
    await shot(tp, '40-practitioner-english');
    await tp.page.getByRole('button', { name: 'Auf Deutsch umschalten' }).click();
    await tp.page.getByRole('heading', { name: 'Neue Sitzung vorbereiten' }).waitFor();

    // A client link in English, through pre-join to the waiting screen.
    await tp.page.getByRole('button', { name: 'Switch to English' }).click();
    await tp.page.getByLabel('Practitioner key').fill(env.practitionerKey);
    await tp.page.getByLabel('Label of person 1').fill('Client');
    await tp.page.getByRole('button', { name: 'Create session' }).click();
    await waitScreen(tp, 'screen-links');
    const link = await tp.page.getByLabel('Client', { exact: true }).inputValue();
    await shot(tp, '41-links-english');

    const c = await env.open(link, { name: 'client-en' });
    await waitScreen(c, 'screen-prejoin');
    await c.page.getByRole('button', { name: 'Switch to English' }).click();
    await c.page.getByLabel('I have read this notice and will comply with it.').check();
    await c.page.getByLabel('Your name').fill('Sam');
    await waitForPreview(c);
    await shot(c, '42-client-prejoin-english');
    await c.page.getByRole('button', { name: 'Enter', exact: true }).click();
    await waitScreen(c, 'screen-waiting');
    await c.page.getByRole('heading', { name: 'Please wait, you will be admitted' }).waitFor();
    await shot(c, '43-client-waiting-english');

    // Headers of the page and its scripts.
    const res = await fetch(`${env.web.origin}/`);
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.ok(csp.includes(`connect-src 'self' ${new URL(env.janus.wsUrl).origin}`), csp);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    for (const p of ['/janus.js', '/adapter.js', '/js/app.js', '/css/app.css', '/config.json']) {
      const r = await fetch(`${env.web.origin}${p}`);
      assert.equal(r.status, 200, p);
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer', p);
    }
    assert.equal((await fetch(`${env.web.origin}/serve.js`)).status, 404, 'the server itself is not served');
    assert.equal((await fetch(`${env.web.origin}/server/serve.js`)).status, 404, 'the server itself is not served');
    assert.equal((await fetch(`${env.web.origin}/README.md`)).status, 404, 'only the page is served');
    assert.equal((await fetch(`${env.web.origin}/js/links.test.js`)).status, 404, 'not the node tests beside the modules');
    assert.equal((await fetch(`${env.web.origin}/..%2fREADME.md`)).status, 404);

    // Everything the pages loaded came from the page's origin (and the Janus WebSocket).
    const all = [...tp.requests, ...c.requests];
    assert.ok(all.some((u) => u.endsWith('/janus.js')) && all.some((u) => u.endsWith('/js/app.js')), 'the requests were recorded');
    for (const u of all) {
      const origin = new URL(u).origin;
      assert.ok(origin === env.web.origin || u.startsWith('data:') || u.startsWith('blob:'), `request to elsewhere: ${u}`);
    }
    // No CSP violation and no uncaught error on any page.
    for (const page of [tp, c]) {
      assert.deepEqual(page.errors, [], `${page.name}: uncaught errors`);
      assert.ok(!page.logs.some((l) => /Content Security Policy|Refused to/.test(l)), `${page.name}: CSP violation:\n${page.logs.join('\n')}`);
    }
  }));
