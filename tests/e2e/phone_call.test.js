'use strict';
// Phone dial-in end to end, without a phone line: SIPp calls counsel-phone on
// 127.0.0.1, keys in the room number (RFC 4733) and the PIN (in-band tones),
// waits in the lobby as "Telefon 1", is admitted by an aiortc moderator, and
// audio is measured both ways as tones (Goertzel): the caller's 440 Hz reaches
// both people in the room, their 1000 Hz and 1400 Hz reach the caller mixed,
// and the caller does not hear their own voice. Then: deny, remove, end, a
// caller who hangs up, a wrong PIN (three tries, then the plugin's limit), an
// unknown room (the same answer), a caller who keys nothing (timeout), consent
// by keypad, and the caller's number nowhere in a log, a file or an event.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');

const { Janus, sleep, waitFor } = require('../support');
const { CounselPhone, PythonPeer, SipCaller, phoneBuilt, phoneServiceCredentials } = require('./harness/phone');

const CANARY = '+4915198765432';
const CANARY_DIGITS = CANARY.slice(1);
const CALLER_HZ = 440;
const MODERATOR_HZ = 1000;
const GUEST_HZ = 1400;
// A tone "arrived" when its amplitude is this large (senders use 8000 of 32767)
// and it makes up most of what is heard.
const PRESENT = 1500;

const skip = !phoneBuilt() && 'counsel-phone is not built (build-test/phone/counsel-phone)';

describe('phone dial-in', { skip }, () => {
  let janus;
  let phone;
  const peers = [];
  const callers = [];
  const events = []; // every plugin event any peer saw (the canary must not be in one)
  const secrets = []; // every room's number and PINs (in no log)

  before(async () => {
    janus = await Janus.start({
      netns: true,
      plugins: ['counsel'],
      http: true,
      phone: { number: '+49 30 1234567', service_key_hash: phoneServiceCredentials().key_hash },
      counsel: { lobby_timeout_s: 600 },
    });
    phone = await CounselPhone.start({ janus, digitTimeoutS: 3 });
  });

  after(async () => {
    for (const c of callers) await c.stop().catch(() => {});
    for (const p of peers) {
      events.push(...p.events);
      await p.close().catch(() => {});
    }
    const artifacts = path.join(__dirname, 'test-output', 'phone_call');
    if (phone) {
      phone.saveArtifacts(artifacts);
      await phone.stop();
    }
    if (janus) {
      janus.saveArtifacts(artifacts);
      await janus.stop();
    }
    if (phone) phone.remove();
  });

  async function peer(name) {
    const p = await PythonPeer.start(janus.wsUrl, name);
    peers.push(p);
    return p;
  }

  async function call(options = {}) {
    const c = await SipCaller.call({ phone, number: CANARY, ...options });
    callers.push(c);
    return c;
  }

  // A phone room with its moderator joined; invites[0] is for the caller.
  async function room(labels = ['Anrufer', 'Gast'], extra = {}) {
    const mod = await peer('moderator');
    const created = await mod.request({
      request: 'create',
      practitioner_key: janus.practitionerKey,
      invitees: labels.map((label) => ({ label })),
      phone: true,
      ...extra,
    });
    assert.equal(created.counsel, 'created', JSON.stringify(created));
    const joined = await mod.request({ request: 'join', room: created.room, token: created.moderator_token, display: 'Dr. M' });
    assert.equal(joined.counsel, 'joined');
    const r = { mod, created, number: created.phone.room_number, pins: created.invites.map((i) => i.pin) };
    secrets.push(r);
    return r;
  }

  // The caller keys the room number and the PIN (as telephone-events or in-band
  // tones: a line does one or the other), then waits in the lobby.
  async function knock(caller, r, { pin = r.pins[0], mode = 'rfc4733' } = {}) {
    await caller.waitForSound();
    await caller.keys(r.number, mode);
    await caller.keys(pin, mode);
    const lobby = await r.mod.waitForEvent((e) => e.counsel === 'lobby' && e.waiting.some((w) => w.phone), {
      message: 'the caller in the lobby',
    });
    return lobby.waiting.find((w) => w.phone);
  }

  async function heardBy(p, hz) {
    const tracks = await p.tone(hz, 1500);
    return tracks.reduce((best, t) => (t.amplitude > best.amplitude ? t : best), { amplitude: 0, rms: 0 });
  }

  // Waits until `p` hears the tone clearly; resolves with what was heard.
  function untilHeard(p, hz, message) {
    return waitFor(async () => {
      const h = await heardBy(p, hz);
      return h.amplitude > PRESENT && h;
    }, { timeoutMs: 20000, intervalMs: 500, message });
  }

  // In room `r`: the moderator publishes, a caller knocks, is admitted and
  // plays its tone until the moderator hears it.
  async function callerHeardByModerator(r) {
    await r.mod.publish(MODERATOR_HZ);
    const caller = await call();
    const entry = await knock(caller, r);
    await r.mod.request({ request: 'admit', id: entry.id });
    caller.playTone(CALLER_HZ);
    await untilHeard(r.mod, CALLER_HZ, 'the moderator hears the caller');
    return { caller, entry };
  }

  test('call -> keys -> lobby -> admitted -> audio both ways, measured; the moderator ends: a prompt, then BYE', async () => {
    const r = await room();
    assert.match(r.number, /^\d{6}$/);
    assert.ok(r.pins.every((p) => /^\d{12}$/.test(p)));
    assert.equal(r.created.e2ee, false);
    await r.mod.publish(MODERATOR_HZ);
    const guest = await peer('guest');
    const waiting = await guest.request({ request: 'join', room: r.created.room, token: r.created.invites[1].token, display: 'Gast' });
    await r.mod.request({ request: 'admit', id: waiting.id });
    await guest.waitForEvent((e) => e.counsel === 'admitted');
    await guest.publish(GUEST_HZ);

    const caller = await call();
    const entry = await knock(caller, r);
    assert.equal(entry.display, 'Telefon 1');
    // Nothing of the room reaches the caller while it waits: only the lobby prompt.
    await caller.waitForQuiet();
    caller.playTone(CALLER_HZ);
    await sleep(1500);
    assert.ok((await heardBy(r.mod, CALLER_HZ)).amplitude < 200, 'the lobby forwards nothing');

    const admitted = await r.mod.request({ request: 'admit', id: entry.id });
    assert.equal(admitted.counsel, 'ok');
    const participants = await r.mod.waitForEvent(
      (e) => e.counsel === 'participants' && e.participants.some((p) => p.phone && p.display === 'Telefon 1'),
    );
    assert.ok(participants);

    // The caller's tone in the room, on both people's PeerConnections.
    const toMod = await untilHeard(r.mod, CALLER_HZ, 'the moderator hears the caller');
    const toGuest = await untilHeard(guest, CALLER_HZ, 'the guest hears the caller');
    // Both others, mixed, on the phone line; the caller's own tone not.
    const back = await waitFor(() => {
      const m = caller.tone(MODERATOR_HZ, 1500);
      const g = caller.tone(GUEST_HZ, 1500);
      return m.amplitude > PRESENT && g.amplitude > PRESENT && { m, g };
    }, { timeoutMs: 20000, intervalMs: 500, message: 'the caller hears both (mixed)' });
    // Measured again after 2 s of steady flow, over 1.5 s.
    await sleep(2000);
    const [finalMod, finalGuest] = [await heardBy(r.mod, CALLER_HZ), await heardBy(guest, CALLER_HZ)];
    const [lineMod, lineGuest] = [caller.tone(MODERATOR_HZ, 1500), caller.tone(GUEST_HZ, 1500)];
    const own = caller.tone(CALLER_HZ, 1500);
    console.log(
      `phone audio (tone amplitude of 8000 sent): caller 440 Hz at the moderator ${finalMod.amplitude} (rms ${finalMod.rms}), ` +
        `at the guest ${finalGuest.amplitude}; on the line 1000 Hz ${lineMod.amplitude}, 1400 Hz ${lineGuest.amplitude} ` +
        `(rms ${lineMod.rms}), the caller's own 440 Hz ${own.amplitude}; first heard: ${toMod.amplitude}, ${toGuest.amplitude}, ` +
        `${back.m.amplitude}, ${back.g.amplitude}`,
    );
    for (const [what, level] of [['moderator', finalMod], ['guest', finalGuest], ['line 1000 Hz', lineMod], ['line 1400 Hz', lineGuest]])
      assert.ok(level.amplitude > PRESENT, `${what}: ${level.amplitude}`);
    assert.ok(own.amplitude < lineMod.amplitude / 10, `the caller hears their own voice (${own.amplitude})`);

    const ended = await r.mod.request({ request: 'end' });
    assert.equal(ended.counsel, 'ended');
    const result = await Promise.race([caller.ended, sleep(30000).then(() => 'timeout')]);
    assert.deepEqual(result, { code: 0, signal: null }, `SIPp ended the call cleanly after counsel-phone's BYE: ${caller.readLog()}`);
    assert.match(phone.readLog(), /hung up by counsel-phone/);
  });

  // The call ends from counsel-phone's side: SIPp answers the BYE and exits 0.
  async function byeFromPhone(caller, what) {
    const result = await Promise.race([caller.ended, sleep(60000).then(() => 'timeout')]);
    assert.deepEqual(result, { code: 0, signal: null }, `${what}: counsel-phone's BYE; SIPp: ${caller.readLog()}`);
  }

  function lobbyHasPhone(e) {
    return e.counsel === 'lobby' && e.waiting.some((w) => w.phone);
  }

  test('in-band keys; the wait prompt reaches the caller; deny: a prompt, then BYE', async () => {
    const r = await room(['Anrufer']);
    const caller = await call();
    const entry = await knock(caller, r, { mode: 'inband' });
    await caller.waitForQuiet();
    const ok = await r.mod.request({ request: 'prompt', id: entry.id, prompt: 'wait' });
    assert.equal(ok.counsel, 'ok');
    await caller.waitForSound();
    const from = r.mod.events.length;
    assert.equal((await r.mod.request({ request: 'deny', id: entry.id })).counsel, 'ok');
    await byeFromPhone(caller, 'deny');
    const lobby = await r.mod.waitForEvent((e) => e.counsel === 'lobby', { from });
    assert.equal(lobby.waiting.length, 0);
  });

  test('mute silences the caller for the room at once; remove: a prompt, BYE, and the PIN is burned', async () => {
    const r = await room(['Anrufer']);
    const { caller, entry } = await callerHeardByModerator(r);
    assert.equal((await r.mod.request({ request: 'mute', id: entry.id, audio: true })).counsel, 'ok');
    await sleep(2000);
    const muted = await heardBy(r.mod, CALLER_HZ);
    assert.ok(muted.amplitude < 200, `muted caller still heard: ${muted.amplitude}`);
    // The caller still hears the room (a mute is about what they send).
    assert.ok(caller.tone(MODERATOR_HZ, 1500).amplitude > PRESENT);

    assert.equal((await r.mod.request({ request: 'kick', id: entry.id })).counsel, 'ok');
    await byeFromPhone(caller, 'remove');
    // The same PIN again: refused like any wrong PIN (three tries, then goodbye).
    const again = await call();
    await again.waitForSound();
    for (let i = 0; i < 3; i++) {
      await again.keys(r.number);
      await again.keys(r.pins[0]);
      await sleep(300);
    }
    await byeFromPhone(again, 'a burned PIN');
    assert.ok(!r.mod.events.slice(-5).some(lobbyHasPhone));
  });

  test('a caller who hangs up in the lobby leaves it', async () => {
    const r = await room(['Anrufer']);
    const caller = await call({ hangUpAfterMs: 9000 });
    await knock(caller, r);
    const from = r.mod.events.length;
    const result = await Promise.race([caller.ended, sleep(30000).then(() => 'timeout')]);
    assert.deepEqual(result, { code: 0, signal: null }, `SIPp's BYE: ${caller.readLog()}`);
    const lobby = await r.mod.waitForEvent((e) => e.counsel === 'lobby', { from, message: 'the lobby after the hang-up' });
    assert.equal(lobby.waiting.length, 0);
    await waitFor(() => /the caller hung up \(lobby/.test(phone.readLog()), { message: 'counsel-phone saw the hang-up' });
  });

  test('a wrong PIN and an unknown room number: the same answer, three tries, then goodbye', async () => {
    const r = await room(['Anrufer']);
    const wrongPin = r.pins[0] === '012345678901' ? '987654321098' : '012345678901';
    const unknown = r.number === '000000' ? '000001' : '000000';
    const heard = [];
    for (const [number, pin] of [[r.number, wrongPin], [unknown, r.pins[0]]]) {
      const before = (phone.readLog().match(/phone_join -> error/g) || []).length;
      const caller = await call();
      await caller.waitForSound();
      const started = Date.now();
      for (let i = 0; i < 3; i++) {
        await caller.keys(number);
        await caller.keys(pin);
        await sleep(300);
      }
      await byeFromPhone(caller, `${number === r.number ? 'wrong PIN' : 'unknown room'}`);
      const refusals = (phone.readLog().match(/phone_join -> error/g) || []).length - before;
      heard.push({ refusals, packets: caller.packetsIn, ms: Date.now() - started });
    }
    assert.equal(heard[0].refusals, 3);
    assert.equal(heard[1].refusals, 3);
    console.log(`wrong PIN vs unknown room: ${JSON.stringify(heard)}`);
    assert.ok(!r.mod.events.some(lobbyHasPhone), 'nobody reached the lobby');
  });

  test('a caller who keys nothing hears the greeting twice and is hung up', async () => {
    const caller = await call();
    await caller.waitForSound();
    await byeFromPhone(caller, 'no input');
    assert.match(phone.readLog(), /room number -> goodbye/);
  });

  test('a recording room asks the caller by keypad: 1 agrees, 2 withdraws (and stops the recording)', async () => {
    const r = await room(['Anrufer'], { recording: 'with_consent' });
    const { caller, entry } = await callerHeardByModerator(r);
    const asked = await r.mod.request({ request: 'record', action: 'request' });
    assert.equal(asked.counsel, 'ok', JSON.stringify(asked));
    assert.equal((await r.mod.request({ request: 'consent', recording: true })).counsel, 'ok');
    await caller.waitForSound();
    await caller.keys('1');
    await r.mod.waitForEvent((e) => e.counsel === 'recording' && e.state === 'recording', { message: 'recording with both consents' });
    await sleep(1500);
    await caller.keys('2');
    await r.mod.waitForEvent((e) => e.counsel === 'recording' && e.state === 'aborted', { message: 'the caller withdrew' });
    await r.mod.request({ request: 'end' });
    await byeFromPhone(caller, 'end');
  });

  test("the caller's number is in no log, no file and no event; nor are PINs or room numbers in a log", async () => {
    // Runs after the calls above (node:test runs a describe's tests in order).
    const logs = { counselPhone: phone.readLog(), janus: janus.readLog() };
    // Not vacuous: the number went out in the callers' SIP (From, Contact, P-Asserted-Identity, SDP o=).
    assert.ok(callers.length > 3 && callers.every((c) => c.readLog().includes(`sip:${CANARY}@`)), 'the canary was not sent');
    for (const [name, text] of Object.entries(logs)) assert.ok(!text.includes(CANARY_DIGITS), `${name} log has the caller's number`);
    for (const r of secrets) {
      for (const pin of r.pins) {
        assert.ok(!logs.counselPhone.includes(pin) && !logs.janus.includes(pin), 'a PIN in a log');
      }
      assert.ok(!logs.counselPhone.includes(r.number), 'a room number in counsel-phone\'s log');
    }
    const everyEvent = JSON.stringify(peers.flatMap((p) => p.events));
    assert.ok(everyEvent.includes('Telefon 1'));
    assert.ok(!everyEvent.includes(CANARY_DIGITS), "an event carries the caller's number");
    const files = [];
    const walk = (dir) => {
      for (const name of fs.readdirSync(dir)) {
        const p = path.join(dir, name);
        const st = fs.lstatSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) files.push(p);
      }
    };
    walk(janus.dir);
    walk(phone.dir);
    for (const file of files) {
      assert.ok(!fs.readFileSync(file).includes(CANARY_DIGITS), `${file} holds the caller's number`);
    }
    assert.ok(files.length > 3);
    console.log(`canary: not in ${files.length} files (Janus's and counsel-phone's folders, logs, state), nor in ${peers.length} peers' events`);
  });
});
