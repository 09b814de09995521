'use strict';
// End-to-end encryption (issue 6), the crypto of web/e2ee/ in real Chromium:
// frame format (VP8 key/delta, H.264, Opus; synthetic and real encoder
// frames), IV uniqueness, per-sender keys, wrong room key, key rotation with
// a removed person and a key-substituting server, chat, the short
// authentication code and the link fragment. No Janus: pages/e2ee_lab.html
// loads the modules from web/ and the test calls window.lab.*.
//
//   cd tests/e2e && ./run-in-netns.sh node --test e2ee_crypto.test.js

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useLab } = require('./harness/e2ee_lab');

const lab = useLab();

// Runs `expr` (an expression over window.lab) in the page and returns its JSON.
const run = (expr) => lab.evaluate(`(async () => JSON.parse(JSON.stringify(await ${expr})))()`);

function checkRoundTrip(r) {
  const what = `${r.name}: ${JSON.stringify(r)}`;
  assert.equal(r.clearKept, true, `clear bytes unchanged — ${what}`);
  assert.ok(r.restBytes === 0 || r.restUnchanged <= Math.max(3, r.restBytes / 32), `the rest is changed — ${what}`);
  assert.equal(r.marker, 0xe1, what);
  assert.ok(r.encLen >= r.len + 30, `trailer and tag added — ${what}`);
  assert.equal(r.roundTrip, true, `decrypts to the original — ${what}`);
  assert.equal(r.aadTamperDropped, true, `a changed clear byte (AAD) does not decrypt — ${what}`);
  assert.equal(r.ctTamperDropped, true, `a changed ciphertext byte does not decrypt — ${what}`);
  assert.equal(r.authFailuresCounted, 2, `both failures counted — ${what}`);
  assert.equal(r.kidTamperDropped, true, what);
  assert.equal(r.plainDropped, true, `an unencrypted frame is dropped — ${what}`);
  if (r.codec === 'h264') assert.equal(r.startCodeInCiphertext, -1, `no start code in the encrypted part — ${what}`);
}

test('frames: VP8 key/delta, H.264, Opus samples round-trip; clear header kept, AAD tamper fails and is counted', async () => {
  const { results, receiverStats } = await run('lab.frames()');
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  assert.equal(byName['vp8-key'].clear, 10);
  assert.equal(byName['vp8-delta'].clear, 3);
  assert.equal(byName['h264-key'].clear, byName['h264-key'].expectedClear, 'SPS, PPS, IDR header + 3 bytes');
  assert.equal(byName['h264-delta'].clear, 8, 'start code, NAL header, 3 bytes of slice header');
  assert.equal(byName['h264-3byte-startcodes'].clear, 21);
  assert.equal(byName.opus.clear, 1);
  for (const r of results) checkRoundTrip(r);
  assert.equal(receiverStats.decrypted, results.length);
  assert.equal(receiverStats.failed.auth, 2 * results.length);
  assert.equal(receiverStats.failed.noKey, results.length);
  assert.equal(receiverStats.failed.unencrypted, results.length);
});

for (const codec of ['vp8', 'h264', 'opus']) {
  test(`frames: real ${codec} frames of Chromium's encoder round-trip`, async () => {
    const results = await run(`lab.realFrames('${codec}', 30)`);
    assert.ok(results.length >= 20, `got ${results.length} frames`);
    if (codec !== 'opus') assert.ok(results.some((r) => r.type === 'key') && results.some((r) => r.type === 'delta'), 'key and delta frames');
    for (const r of results) {
      checkRoundTrip(r);
      if (codec === 'vp8') assert.equal(r.clear, r.type === 'key' ? 10 : 3, JSON.stringify(r));
      if (codec === 'opus') assert.equal(r.clear, 1);
      if (codec === 'h264') assert.ok(r.head.startsWith('00000001'), 'Annex B');
    }
  });
}

test('frames: 100,000 frames of one sender all get different IVs', async (t) => {
  const r = await run('lab.ivs(100000)');
  t.diagnostic(`# IVs: ${r.unique} unique of ${r.n} in ${r.ms} ms; ${r.salts} salt; counter up to ${r.maxCounter}`);
  assert.equal(r.unique, r.n);
  assert.equal(r.salts, 1, 'one 4-byte salt per sender state');
  assert.equal(r.maxCounter, r.n - 1, 'the 64-bit counter counts every frame');
  assert.equal(r.secondSaltDiffers, true, 'a new sender state draws a new salt');
});

test('frames: per-sender keys differ (a frame decrypts only as its own sender\'s)', async () => {
  const r = await run('lab.senders()');
  assert.equal(r.decryptsAsSender, true);
  assert.equal(r.decryptsAsOtherSender, false);
  assert.equal(r.failed.auth, 1);
  const values = Object.values(r.bits);
  assert.equal(new Set(values).size, values.length, JSON.stringify(r.bits));
});

test('frames: with a wrong room key every frame fails (counted, dropped)', async () => {
  const r = await run('lab.wrongKey(200)');
  assert.equal(r.passed, 0);
  assert.equal(r.stats.failed.auth, 200);
  assert.equal(r.stats.decrypted, 0);
});

test('rotation: remaining people unwrap the new key; the removed one cannot, even with every message', async () => {
  const r = await run('lab.rotation()');
  assert.deepEqual(r.pubsKnown, [1002, 1003, 1004]);
  assert.equal(new Set(r.before.map((b) => b.code)).size, 1, 'one code before');
  assert.deepEqual(r.rotated, { kid: 1, wrapped: [1002, 1003], missing: [] });
  const [m, a, b, c] = r.after;
  assert.equal(m.kid, 1);
  assert.equal(a.kid, 1);
  assert.equal(b.kid, 1);
  assert.equal(a.code, m.code);
  assert.equal(b.code, m.code);
  assert.notEqual(m.code, r.before[0].code, 'the code changes with the key');
  assert.equal(c.kid, 0, 'the removed person keeps the old key');
  assert.notEqual(c.code, m.code);
  // Everything C captured: the rekey is not for C.
  const rekeyAtC = r.cResults.filter((x) => x.e2ee === 'rekey');
  assert.ok(rekeyAtC.length >= 1);
  for (const x of rekeyAtC) assert.equal(x.ignored, 'not-for-me', JSON.stringify(x));
  // C relabels the wraps for itself (with a valid MAC under the old key) or unwraps directly: no key.
  assert.ok(r.forgedResults.length >= 2);
  for (const x of r.forgedResults) assert.deepEqual([x.type, x.reason], ['rejected', 'unwrap'], JSON.stringify(x));
  assert.ok(r.directTries.length >= 2);
  for (const x of r.directTries) assert.equal(x.ok, false, JSON.stringify(x));
  // New chat and frames: the remaining read them, the removed one does not.
  assert.deepEqual([r.chatAtB.type, r.chatAtB.text, r.chatAtB.kid], ['chat', r.chatText, 1]);
  assert.deepEqual([r.chatAtC.type, r.chatAtC.reason], ['rejected', 'noKey']);
  assert.equal(r.frameAtB.ok, true);
  assert.equal(r.frameAtC.ok, false);
  assert.equal(r.frameAtC.failed.noKey, 1);
  // After the grace period the old key is gone.
  assert.deepEqual([r.oldChatAtB.type, r.oldChatAtB.reason], ['rejected', 'noKey']);
  // The removed person announcing a key again is ignored by the moderator.
  assert.deepEqual(r.cAtM.map((x) => x.reason), ['removed']);
  // A late joiner with the old link gets the current key from the moderator.
  assert.equal(r.late.kid, 1);
  assert.equal(r.late.code, r.mCode);
  assert.deepEqual(r.acked, [1002, 1003, 1005]);
  for (const s of r.messageSizes) assert.ok(s.bytes < 4096, JSON.stringify(s));
});

test('rotation: a server-substituted public key or a forged rekey is rejected (HMAC)', async () => {
  const r = await run('lab.substitution()');
  assert.deepEqual(r.rejectedAtM, { 'bad-mac': 2 }, 'swapped point with the original MAC, and with the server\'s own MAC');
  assert.equal(r.pubKnown, false);
  assert.deepEqual(r.rotated, { kid: 1, wrapped: [], missing: [2002] }, 'no key is wrapped for a point the moderator could not verify');
  assert.equal(r.aAfterRotate.kid, 0);
  assert.deepEqual([r.forgedAtA.type, r.forgedAtA.reason], ['rejected', 'bad-mac']);
  assert.deepEqual([r.notModAtA.type, r.notModAtA.reason], ['rejected', 'not-moderator']);
  assert.equal(r.aAfterForgery.kid, 0);
  assert.equal(r.aHealed.kid, 1, 'once the genuine key gets through, A catches up');
  assert.equal(r.aHealed.code, r.mAfter.code);
});

test('short authentication code: equal for equal keys, different otherwise', async () => {
  const r = await run('lab.codes()');
  assert.match(r.code, /^\d{4} \d{4} \d{4} \d{4}$/);
  assert.equal(r.same, r.code);
  assert.notEqual(r.other, r.code);
  assert.notEqual(r.oneBitOff, r.code);
  assert.equal(r.distinctOf200, 200);
});

test('links: the key rides in the #fragment next to room and token', async () => {
  const r = await run('lab.fragments()');
  assert.equal(r.keyLength, 43, '256 bits, base64url');
  assert.match(r.link, /^#room=[^&]+&token=[^&]+&k=[A-Za-z0-9_-]{43}$/);
  assert.equal(r.roundTrip, true);
  assert.equal(r.none, null);
  assert.equal(r.replacedKeepsFields, true);
  assert.match(r.replaced, /&kid=7$/);
  assert.equal(r.rotatedRoundTrip, true);
  for (const b of r.bad) assert.deepEqual(b.r, { invalid: true }, b.h);
});

test('chat: encrypted per sender; relabelled, plain or foreign-key messages are rejected', async () => {
  const r = await run('lab.chat()');
  assert.equal(r.ctContainsText, false);
  assert.match(r.ct, /^\{"e2ee":"chat","v":1,"kid":0,"iv":"[A-Za-z0-9_-]{16}","ct":"[A-Za-z0-9_-]+"\}$/);
  assert.equal(r.atB.type, 'chat');
  assert.equal(r.atB.text, 'Termin am Dienstag um 15 Uhr — passt das? 😊');
  assert.deepEqual([r.relabelled.type, r.relabelled.reason], ['rejected', 'auth']);
  assert.deepEqual([r.plain.type, r.plain.reason], ['rejected', 'not-e2ee']);
  assert.deepEqual([r.atWrong.type, r.atWrong.reason], ['rejected', 'auth']);
  assert.equal(r.tooLong, 'RangeError');
  assert.ok(r.longestBytes <= 4096, `the longest allowed message fits the plugin's 4096 bytes (${r.longestBytes})`);
});
