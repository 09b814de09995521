// node --test web/js/loops.test.js
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { roomLoop } from './loops.js';

test('every page of a room names the same loop, and rooms spread over the loops', () => {
  const room = 'c9247f634c783fc4';
  assert.equal(roomLoop(room, 4), roomLoop(`${room}`, 4));
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 400; i += 1) counts[roomLoop(`room${i.toString(16).padStart(12, '0')}`, 4)] += 1;
  for (const c of counts) assert.ok(c > 60 && c < 140, `spread over 4 loops: ${counts}`);
  for (let i = 0; i < 50; i += 1) {
    const loop = roomLoop(`r${i}`, 3);
    assert.ok(Number.isInteger(loop) && loop >= 0 && loop < 3);
  }
});

test('no loop without static loops or a room', () => {
  assert.equal(roomLoop('abc', 0), undefined);
  assert.equal(roomLoop('abc', undefined), undefined);
  assert.equal(roomLoop('abc', 1.5), undefined);
  assert.equal(roomLoop('', 2), undefined);
  assert.equal(roomLoop(undefined, 2), undefined);
  assert.equal(roomLoop('abc', 1), 0);
});
