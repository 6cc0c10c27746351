// The lab's load generator: what users feel during a rollout, through the proxy.
// - keep-alive HTTP GETs at a fixed rate over a small pool of connections;
// - WebSocket sessions on /websocket (DDP-like: `connect`, then a `method` call every second),
//   each reconnecting at once when dropped.
// Counts requests, non-2xx answers, connection resets (and other errors), WebSocket drops and
// whether each dropped session reconnected within 10 s. It stops by itself after --max-seconds,
// or earlier on SIGTERM/SIGINT, and prints one JSON object.
//
// node loadgen.js --url http://10.77.0.10/ [--rate 250] [--connections 16] [--ws 50]
//                 [--max-seconds 600] [--out FILE] [--connect ADDRESS]
// --connect: the address to connect to (the proxy), the URL's host being sent as Host.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const net = require('net');
const { frame, parseFrames } = require('./standin/ws.js');

function args() {
  const a = { url: '', rate: 250, connections: 16, ws: 50, 'max-seconds': 600, out: '', connect: '' };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in a)) throw new Error(`unknown option ${argv[i]}`);
    a[key] = typeof a[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!a.url) throw new Error('--url is required');
  return a;
}

const opt = args();
const target = new URL(opt.url);
const address = opt.connect || target.hostname;
const stats = {
  requests: 0, ok: 0, non_2xx: 0, resets: 0, resets_reused: 0, errors: 0, status: {},
  ws_sessions: opt.ws, ws_connects: 0, ws_dropped: 0, ws_not_reconnected: 0,
  ws_reconnect_max_ms: 0, ws_messages: 0, ws_answers: 0, duration_s: 0,
};
const started = Date.now();
let stopping = false;

// --- HTTP
const agent = new http.Agent({ keepAlive: true, maxSockets: opt.connections });
function request() {
  const req = http.get({ host: address, port: target.port || 80, path: '/api/info', agent, headers: { host: target.host } }, (res) => {
    stats.requests++;
    stats.status[res.statusCode] = (stats.status[res.statusCode] || 0) + 1;
    if (res.statusCode >= 200 && res.statusCode < 300) stats.ok++;
    else stats.non_2xx++;
    res.resume();
  });
  req.setTimeout(10000, () => req.destroy(new Error('timeout')));
  req.on('error', (e) => {
    stats.requests++;
    if (e.code === 'ECONNRESET' || /socket hang up/.test(e.message)) {
      stats.resets++;
      // A reset on a reused keep-alive connection is the reload race: the proxy closed it as
      // the request went out (Node's docs of request.reusedSocket describe it and retry such
      // requests); this generator counts them and does not retry.
      if (req.reusedSocket) stats.resets_reused++;
    } else stats.errors++;
    stats.status[e.code || e.message] = (stats.status[e.code || e.message] || 0) + 1;
  });
}
// Every 10 ms, fires what the elapsed time owes at --rate: a busy machine delays timers, and
// counting ticks instead of time would quietly send less than asked.
let sent = 0;
const httpTimer = setInterval(() => {
  const owed = Math.floor(((Date.now() - started) / 1000) * opt.rate) - sent;
  for (let i = 0; i < owed; i++) request();
  sent += Math.max(owed, 0);
}, 10);

// --- WebSocket sessions
const maskedFrame = (text) => frame(1, Buffer.from(text), true);

function countFrames(state, chunk) {
  let n = 0;
  parseFrames(state, chunk, (opcode) => { if (opcode === 1) n++; });
  return n;
}

class Session {
  constructor(id) { this.id = id; this.droppedAt = 0; this.connect(); }

  connect() {
    if (stopping) return;
    const key = crypto.randomBytes(16).toString('base64');
    const sock = net.connect(target.port || 80, address);
    const state = { buf: Buffer.alloc(0) };
    let open = false;
    let timer = null;
    const done = () => {
      if (timer) clearInterval(timer);
      timer = null;
      if (this.sock !== sock) return;
      this.sock = null;
      if (stopping) return;
      if (open && !this.droppedAt) {
        stats.ws_dropped++;
        this.droppedAt = Date.now();
      }
      setTimeout(() => this.connect(), 200);
    };
    this.sock = sock;
    sock.setTimeout(15000, () => sock.destroy());
    sock.on('connect', () => sock.write(
      `GET /websocket HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
    sock.on('data', (chunk) => {
      if (!open) {
        const text = chunk.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!text.startsWith('HTTP/1.1 101')) { sock.destroy(); return; }
        open = true;
        stats.ws_connects++;
        if (this.droppedAt) {
          const ms = Date.now() - this.droppedAt;
          stats.ws_reconnect_max_ms = Math.max(stats.ws_reconnect_max_ms, ms);
          if (ms > 10000) stats.ws_not_reconnected++;
          this.droppedAt = 0;
        }
        sock.write(maskedFrame(JSON.stringify({ msg: 'connect', version: '1', support: ['1'] })));
        timer = setInterval(() => {
          stats.ws_messages++;
          sock.write(maskedFrame(JSON.stringify({ msg: 'method', method: 'ping', id: String(stats.ws_messages) })));
        }, 1000);
        chunk = chunk.subarray(end + 4);
      }
      stats.ws_answers += countFrames(state, chunk);
    });
    sock.on('close', done);
    sock.on('error', () => {});
  }
}

const sessions = [];
for (let i = 0; i < opt.ws; i++) setTimeout(() => sessions.push(new Session(i)), i * 20);

function finish() {
  if (stopping) return;
  stopping = true;
  clearInterval(httpTimer);
  // Sessions still waiting for a reconnect count as not reconnected once past 10 s.
  for (const s of sessions) {
    if (s.droppedAt && Date.now() - s.droppedAt > 10000) stats.ws_not_reconnected++;
    if (s.sock) s.sock.destroy();
  }
  // Let in-flight requests finish.
  setTimeout(() => {
    stats.duration_s = Math.round((Date.now() - started) / 100) / 10;
    const text = JSON.stringify(stats);
    if (opt.out) fs.writeFileSync(opt.out, text + '\n');
    console.log(text);
    agent.destroy();
    process.exit(0);
  }, 2000);
}
process.on('SIGTERM', finish);
process.on('SIGINT', finish);
setTimeout(finish, opt['max-seconds'] * 1000);
