'use strict';
// Minimal but valid SDP offers that Janus accepts and hands on to the plugin
// as JSEP (no candidates: Janus answers without any ICE connectivity).
//   dataChannelOffer(): one data channel, for "unexpected JSEP" checks;
//   mediaOffer({ noCodec, data, session, version }): what a browser's first `publish`
//     offers — Opus audio, VP8 video (both sendonly) and a data channel (`data`)
//     under one BUNDLE; `noCodec` renames Opus and VP8 and leaves the data
//     channel out, so nothing usable is left (481).
//   recvonlyAnswer(offerSdp): a browser's answer to a plugin offer: every
//     m-line accepted recvonly with the offer's mid and first codec.

const FINGERPRINT = Array(32).fill('AB').join(':');
const ICE = ['a=ice-ufrag:abcd', 'a=ice-pwd:abcdefghijklmnopqrstuvwx', 'a=ice-options:trickle',
  `a=fingerprint:sha-256 ${FINGERPRINT}`, 'a=setup:actpass'];

function dataChannelOffer() {
  const sdp = [
    'v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0',
    'a=group:BUNDLE 0', 'a=msid-semantic: WMS',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0',
    ...ICE, 'a=mid:0', 'a=sctp-port:5000', 'a=max-message-size:262144', '',
  ].join('\r\n');
  return { type: 'offer', sdp };
}

// `session`/`version`: the o= line's ids (a renegotiation keeps the session and counts the version up).
function mediaOffer({ noCodec = false, data = !noCodec, session = Date.now(), version = 2 } = {}) {
  const opus = noCodec ? 'xopus' : 'opus';
  const vp8 = noCodec ? 'XVP8' : 'VP8';
  const sdp = [
    'v=0', `o=- ${session} ${version} IN IP4 127.0.0.1`, 's=-', 't=0 0',
    `a=group:BUNDLE 0 1${data ? ' 2' : ''}`, 'a=extmap-allow-mixed', 'a=msid-semantic: WMS s',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
    ...ICE, 'a=mid:0', 'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid', 'a=sendonly', 'a=msid:s a',
    'a=rtcp-mux', `a=rtpmap:111 ${opus}/48000/2`, 'a=rtcp-fb:111 transport-cc', 'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=ssrc:1111 cname:c',
    'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
    ...ICE, 'a=mid:1', 'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid', 'a=sendonly', 'a=msid:s v',
    'a=rtcp-mux', 'a=rtcp-rsize', `a=rtpmap:96 ${vp8}/90000`, 'a=rtcp-fb:96 goog-remb', 'a=rtcp-fb:96 ccm fir',
    'a=rtcp-fb:96 nack', 'a=rtcp-fb:96 nack pli', 'a=ssrc:2222 cname:c',
    ...(data ? ['m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0',
      ...ICE, 'a=mid:2', 'a=sctp-port:5000', 'a=max-message-size:262144'] : []), '',
  ].join('\r\n');
  return { type: 'offer', sdp };
}

function recvonlyAnswer(offerSdp) {
  const sections = offerSdp.split(/\r\n(?=m=)/).slice(1);
  const mids = [];
  const mlines = sections.map((section) => {
    const lines = section.split('\r\n');
    const [kind, , proto, pt] = lines[0].slice(2).split(' ');
    const mid = lines.find((l) => l.startsWith('a=mid:')).slice(6);
    mids.push(mid);
    const rtpmap = lines.find((l) => l.startsWith(`a=rtpmap:${pt} `));
    const port = lines[0].split(' ')[1] === '0' ? 0 : 9;
    return [`m=${kind} ${port} ${proto} ${pt}`, 'c=IN IP4 0.0.0.0', ...ICE.slice(0, 4), 'a=setup:active',
      `a=mid:${mid}`, port ? 'a=recvonly' : 'a=inactive', 'a=rtcp-mux', ...(rtpmap ? [rtpmap] : [])];
  });
  const sdp = ['v=0', `o=- ${Date.now()} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', `a=group:BUNDLE ${mids.join(' ')}`,
    'a=msid-semantic: WMS', ...mlines.flat(), ''].join('\r\n');
  return { type: 'answer', sdp };
}

module.exports = { dataChannelOffer, mediaOffer, recvonlyAnswer };
