'use strict';
// Plain RTP as counsel-phone sends it to the plugin for a phone caller: a UDP
// socket on 127.0.0.1 and Opus packets (payload type 111, one SSRC).

const dgram = require('node:dgram');

// A datagram socket on 127.0.0.1 standing in for counsel-phone's RTP socket.
async function udp() {
  const socket = dgram.createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

function opusPacket(seq) {
  const packet = Buffer.alloc(12 + 20, 0xf8);
  packet[0] = 0x80;
  packet[1] = 111;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(seq * 960, 4);
  packet.writeUInt32BE(0x12345678, 8);
  return packet;
}

module.exports = { udp, opusPacket };
