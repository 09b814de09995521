'use strict';
// Names the moderator could not see: a display name, invitee label or title
// made only of invisible characters (zero-width, fillers, blanks, format
// characters, lone combining marks) is 481 and leaves no trace in the lobby;
// accented, CJK and emoji names (ZWJ sequences too) reach the lobby unchanged.

const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');

const { World, assertError } = require('./harness/counsel');

// The 17 kinds of invisible text the issue found accepted (17 of 17).
const INVISIBLE = {
  'zero-width space': '\u200b',
  'zero-width non-joiner': '\u200c',
  'zero-width joiner': '\u200d',
  'word joiner': '\u2060',
  'byte order mark': '\ufeff',
  'Hangul filler': '\u3164',
  'Hangul choseong and jungseong fillers': '\u115f\u1160',
  'halfwidth Hangul filler': '\uffa0',
  'Braille pattern blank': '\u2800',
  'em space': '\u2003\u2003',
  'other spaces': '\u2000\u2009\u200a\u202f\u205f\u3000\u00a0',
  'soft hyphen': '\u00ad',
  'LRM, RLM and ALM': '\u200e\u200f\u061c',
  'tag characters': '\u{e0041}\u{e0042}\u{e007f}',
  'lone combining marks': '\u0301\u0308',
  'Mongolian vowel separator': '\u180e',
  'variation selectors': '\ufe0f\ufe0e',
};

const VISIBLE = [
  'Renée Müller-Öztürk',
  'Zoe\u0308 (combining)',
  '山田太郎',
  '한지민',
  'سلام',
  'देवनागरी',
  '\u{1f469}\u200d\u{1f469}\u200d\u{1f467}', // family: a ZWJ sequence alone
  '\u{1f3f3}\ufe0f\u200d\u{1f308} Alex', // rainbow flag
  '\u{1f44b}\u{1f3fd}',
  '\u200bAnna\u200b', // invisible characters around a visible name are harmless
];

let world;
let ctx;
before(async () => {
  world = await World.start();
  ctx = await world.openRoom({ invitees: [{ label: 'Client' }] });
});
after(async () => {
  if (world) await world.close();
});

test('17 kinds of invisible display names are 481 and nobody appears in the lobby', async () => {
  assert.equal(Object.keys(INVISIBLE).length, 17);
  ctx.moderator.drain();
  for (const [what, display] of Object.entries(INVISIBLE)) {
    const guest = await world.knock(ctx.room, ctx.tokens[0], display);
    assertError(guest.answer, 481, what);
    assert.match(guest.answer.error, /visible/, what);
  }
  await ctx.moderator.expectNoEvent('lobby', 300);
});

test('accented, CJK and emoji names reach the lobby exactly as typed', async () => {
  for (const display of VISIBLE) {
    ctx.moderator.drain();
    const guest = await world.enterLobby(ctx, ctx.tokens[0], display);
    const entry = guest.lobbyEvent.waiting.find((w) => w.id === guest.id);
    assert.equal(entry.display, display);
    assert.equal((await guest.handle.request({ request: 'leave' })).counsel, 'left');
  }
});

test('an invisible invitee label, title or moderator name is 481 as well', async () => {
  const practitioner = await world.person();
  for (const display of [INVISIBLE['Hangul filler'], INVISIBLE['zero-width space'], INVISIBLE['lone combining marks']]) {
    assertError(await practitioner.request(world.createBody({ invitees: [{ label: display }] })), 481);
    assertError(await practitioner.request(world.createBody({ title: display })), 481);
  }
  const created = await world.create({ invitees: [{ label: '\u{1f9d1}\u200d\u{1f4bb}' }], title: '山田 \u{1f4c5}' });
  assert.equal(created.invites[0].label, '\u{1f9d1}\u200d\u{1f4bb}');
  const moderator = await world.person();
  const refused = await moderator.request({ request: 'join', room: created.room, token: created.moderator_token, display: '\u2800\u2800' });
  assertError(refused, 481);
  const joined = await moderator.request({ request: 'join', room: created.room, token: created.moderator_token, display: 'Dr. 陈' });
  assert.equal(joined.counsel, 'joined');
  assert.equal(joined.title, '山田 \u{1f4c5}');
});
