'use strict';
// A minimal but valid SDP offer (one data channel) that Janus accepts and
// hands on to the plugin as JSEP: for "unexpected JSEP" checks.

function dataChannelOffer() {
  const fingerprint = Array(32).fill('AB').join(':');
  const sdp = [
    'v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0',
    'a=group:BUNDLE 0', 'a=msid-semantic: WMS',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0',
    'a=ice-ufrag:abcd', 'a=ice-pwd:abcdefghijklmnopqrstuvwx', 'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    'a=setup:actpass', 'a=mid:0', 'a=sctp-port:5000', 'a=max-message-size:262144', '',
  ].join('\r\n');
  return { type: 'offer', sdp };
}

module.exports = { dataChannelOffer };
