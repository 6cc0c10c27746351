// WebSocket frames (RFC 6455) for the lab's stand-in (server side) and load generator (client
// side): text, close, ping and pong frames; enough for a DDP-like echo, nothing more.
'use strict';
const crypto = require('crypto');

// One final frame; `masked` for frames a client sends.
function frame(opcode, payload, masked = false) {
  const len = payload.length;
  const mark = masked ? 0x80 : 0;
  let head;
  if (len < 126) head = Buffer.from([0x80 | opcode, mark | len]);
  else if (len < 65536) head = Buffer.from([0x80 | opcode, mark | 126, len >> 8, len & 255]);
  else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = mark | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!masked) return Buffer.concat([head, payload]);
  const mask = crypto.randomBytes(4);
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]))]);
}

// Feeds `chunk` into `state` ({buf}) and calls onFrame(opcode, payload) per complete frame.
function parseFrames(state, chunk, onFrame) {
  state.buf = Buffer.concat([state.buf, chunk]);
  for (;;) {
    const b = state.buf;
    if (b.length < 2) return;
    let len = b[1] & 127;
    let off = 2;
    if (len === 126) {
      if (b.length < 4) return;
      len = b.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (b.length < 10) return;
      len = Number(b.readBigUInt64BE(2));
      off = 10;
    }
    const masked = (b[1] & 128) !== 0;
    const start = off + (masked ? 4 : 0);
    if (b.length < start + len) return;
    let payload = b.subarray(start, start + len);
    if (masked) {
      const mask = b.subarray(off, off + 4);
      payload = Buffer.from(payload.map((x, i) => x ^ mask[i % 4]));
    }
    state.buf = b.subarray(start + len);
    onFrame(b[0] & 15, payload);
  }
}

module.exports = { frame, parseFrames };
