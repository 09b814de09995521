// Node tests of links.js (no browser): the personal link and the room address
// carry everything in the #fragment, and parseFragment reads back exactly
// that and refuses the rest.
//
//   node --test web/js/links.test.js

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { E2EE } from './e2ee.js';
import { pageBase, parseFragment, personalLink, roomAddress } from './links.js';

// The page as served at a sub-path, with a query and an old fragment.
globalThis.location = new URL('https://counsel.example/praxis/?lang=en#room=old');

afterEach(() => E2EE.forgetCreatedKey());

test('the page base is origin and path: no query, no fragment', () => {
  assert.equal(pageBase(), 'https://counsel.example/praxis/');
});

test('a personal link and a room address carry room and token in the fragment only', () => {
  const link = new URL(personalLink('R00m-id_1', 'tok_EN-1'));
  assert.equal(`${link.origin}${link.pathname}${link.search}`, 'https://counsel.example/praxis/');
  assert.equal(link.hash, '#room=R00m-id_1&token=tok_EN-1');
  assert.equal(new URL(roomAddress('R00m-id_1')).hash, '#room=R00m-id_1');
  assert.deepEqual(parseFragment(link.hash), { room: 'R00m-id_1', token: 'tok_EN-1', e2ee: null });
  assert.deepEqual(parseFragment(new URL(roomAddress('R')).hash), { room: 'R', token: null, e2ee: null });
});

test('with a room key both links carry it, and it reads back byte for byte', async () => {
  const key = await E2EE.createRoomKey();
  const link = personalLink('room1', 'token1');
  const parsed = parseFragment(new URL(link).hash);
  assert.equal(parsed.room, 'room1');
  assert.equal(parsed.token, 'token1');
  assert.deepEqual(parsed.e2ee, { raw: key.raw, kid: 0 });
  const address = parseFragment(new URL(roomAddress('room1')).hash);
  assert.equal(address.token, null);
  assert.deepEqual(address.e2ee, { raw: key.raw, kid: 0 });
});

test('no fragment is null; the page reads location.hash by default', () => {
  assert.equal(parseFragment(''), null);
  assert.equal(parseFragment('#'), null);
  assert.deepEqual(parseFragment(), { room: 'old', token: null, e2ee: null });
});

test('a room or token outside [A-Za-z0-9_-]{1,128} makes the link invalid', () => {
  for (const hash of [
    '#token=abc',
    '#room=',
    '#room=a%20b',
    '#room=a.b',
    `#room=${'a'.repeat(129)}`,
    '#room=abc&token=',
    '#room=abc&token=x%2Fy',
    `#room=abc&token=${'t'.repeat(129)}`,
  ]) {
    assert.deepEqual(parseFragment(hash), { invalid: true }, hash);
  }
  assert.equal(parseFragment(`#room=${'a'.repeat(128)}&token=${'t'.repeat(128)}`).room.length, 128);
});

test('a key field that is not a key is reported, not dropped', () => {
  assert.deepEqual(parseFragment('#room=abc&k=short').e2ee, { invalid: true });
  assert.deepEqual(parseFragment('#room=abc&kid=1').e2ee, { invalid: true });
});
