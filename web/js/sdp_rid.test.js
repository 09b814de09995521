// Node tests of sdp_rid.js (no browser): the rid header extensions Janus
// drops from a plugin's offer come back, with the page's own ids, on exactly
// the m-sections that carry a=simulcast.
//
//   node --test web/js/sdp_rid.test.js

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { restoreRidExtensions } from './sdp_rid.js';

const RID = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
const RRID = 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id';
const sdp = (...lines) => `${lines.join('\r\n')}\r\n`;

const SESSION = ['v=0', 'o=- 1 1 IN IP4 10.200.0.1', 's=-', 't=0 0'];
const AUDIO = ['m=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 10.200.0.1', 'a=mid:0', 'a=rtpmap:111 opus/48000/2'];
const VIDEO_SIMULCAST = ['m=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 10.200.0.1', 'a=mid:1', 'a=rtpmap:96 VP8/90000', 'a=simulcast:recv h;m;l'];
const VIDEO_PLAIN = ['m=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 10.200.0.1', 'a=mid:2', 'a=rtpmap:96 VP8/90000'];
const LOCAL = sdp(...SESSION, 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', `a=extmap:4 ${RID}`, `a=extmap:5/sendonly ${RRID}`);

test('the two extensions go right after a=mid of the simulcast m-section, with the local ids', () => {
  const offer = sdp(...SESSION, ...AUDIO, ...VIDEO_SIMULCAST, ...VIDEO_PLAIN);
  const want = sdp(
    ...SESSION,
    ...AUDIO,
    ...VIDEO_SIMULCAST.slice(0, 3),
    `a=extmap:4 ${RID}`,
    `a=extmap:5 ${RRID}`,
    ...VIDEO_SIMULCAST.slice(3),
    ...VIDEO_PLAIN,
  );
  assert.equal(restoreRidExtensions(offer, LOCAL), want);
});

test('an extension the offer still has is not added twice', () => {
  const offer = sdp(...SESSION, ...VIDEO_SIMULCAST, `a=extmap:9 ${RID}`);
  const restored = restoreRidExtensions(offer, LOCAL);
  assert.equal(restored.split(RID).length - 1, 1);
  assert.equal(restored.split(RRID).length - 1, 1);
  assert.match(restored, /a=mid:1\r\na=extmap:5 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n/);
});

test('without rid ids in the local description (or none at all) the offer is returned as it is', () => {
  const offer = sdp(...SESSION, ...AUDIO, ...VIDEO_SIMULCAST);
  assert.equal(restoreRidExtensions(offer, sdp(...SESSION, ...AUDIO)), offer);
  assert.equal(restoreRidExtensions(offer, ''), offer);
  assert.equal(restoreRidExtensions(offer, undefined), offer);
});

test('an offer without a=simulcast is returned as it is', () => {
  const offer = sdp(...SESSION, ...AUDIO, ...VIDEO_PLAIN);
  assert.equal(restoreRidExtensions(offer, LOCAL), offer);
});
