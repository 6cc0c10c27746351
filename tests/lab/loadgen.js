// The lab's load generator: what users feel during a rollout, through the proxy.
// - keep-alive HTTP GETs at a fixed rate over a small pool of connections;
// - WebSocket sessions on /websocket (DDP-like: `connect`, then a `method` call every second),
//   each reconnecting at once when dropped.
// Counts requests, non-2xx answers, connection resets (and other errors), WebSocket drops and
// whether each dropped session reconnected within 10 s. It stops by itself after --max-seconds,
// or earlier on SIGTERM/SIGINT, and prints one JSON object.
//
// node loadgen.js --url http://10.77.0.10/ [--rate 250] [--connections 16] [--ws 50]
//                 [--max-seconds 600] [--out FILE] [--connect ADDRESS] [--ca FILE]
// --connect: the address to connect to (the proxy), the URL's host being sent as Host.
// An https URL speaks what a browser speaks to the rendered TLS site: HTTP/2 for requests (ALPN
// h2, one stream per request over --connections sessions) and WebSockets as HTTP/1.1 upgrades
// on TLS connections of their own (nginx has no WebSockets over HTTP/2, RFC 8441). --ca: the
// certificate that signed the site's (verified, with the URL's host as the name).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const http2 = require('http2');
const net = require('net');
const tls = require('tls');
const { frame, parseFrames } = require('./standin/ws.js');

function args() {
  const a = { url: '', rate: 250, connections: 16, ws: 50, 'max-seconds': 600, out: '', connect: '', ca: '' };
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
const secure = target.protocol === 'https:';
const port = Number(target.port) || (secure ? 443 : 80);
const tlsOptions = { servername: target.hostname, ca: opt.ca ? fs.readFileSync(opt.ca) : undefined };
const stats = {
  protocol: secure ? 'h2' : 'http/1.1',
  requests: 0, ok: 0, non_2xx: 0, resets: 0, resets_reused: 0, errors: 0, status: {},
  // HTTP/2: requests the proxy refused unprocessed (a stream above a GOAWAY's last stream id, or
  // REFUSED_STREAM), resent on a new connection as RFC 9113 (6.8, 8.7) allows and browsers do;
  // the resent request's own outcome is what `requests` counts.
  h2_resent: 0, h2_goaways: 0,
  ws_sessions: opt.ws, ws_connects: 0, ws_dropped: 0, ws_not_reconnected: 0,
  ws_reconnect_max_ms: 0, ws_messages: 0, ws_answers: 0, duration_s: 0,
};
const started = Date.now();
let stopping = false;

// --- HTTP/1.1
const agent = new http.Agent({ keepAlive: true, maxSockets: opt.connections });
function request() {
  const req = http.get({ host: address, port, path: '/api/info', agent, headers: { host: target.host } }, (res) => {
    answered(res.statusCode);
    res.resume();
  });
  req.setTimeout(10000, () => req.destroy(new Error('timeout')));
  req.on('error', (e) => {
    if (e.code === 'ECONNRESET' || /socket hang up/.test(e.message)) {
      // A reset on a reused keep-alive connection is the reload race: the proxy closed it as
      // the request went out (Node's docs of request.reusedSocket describe it and retry such
      // requests); this generator counts them and does not retry.
      failed(e, true, req.reusedSocket);
    } else failed(e, false, false);
  });
}

function answered(status) {
  stats.requests++;
  stats.status[status] = (stats.status[status] || 0) + 1;
  if (status >= 200 && status < 300) stats.ok++;
  else stats.non_2xx++;
}

function failed(e, reset, reused) {
  stats.requests++;
  if (reset) {
    stats.resets++;
    if (reused) stats.resets_reused++;
  } else stats.errors++;
  const what = e.code === 'ERR_HTTP2_STREAM_ERROR' ? e.message : e.code || e.message;
  stats.status[what] = (stats.status[what] || 0) + 1;
}

// --- HTTP/2: a pool of sessions; one that receives GOAWAY (a reloading proxy's old worker) or
// closes is replaced by a new connection.
const sessions2 = [];
let nextSession = 0;
function session2(i) {
  let s = sessions2[i];
  if (s && !s.closed && !s.destroyed && !s.goingAway) return s;
  s = http2.connect(`https://${address}:${port}`, { ...tlsOptions, settings: { enablePush: false } });
  s.goingAway = false;
  s.on('goaway', () => { stats.h2_goaways++; s.goingAway = true; });
  s.on('error', () => {});
  sessions2[i] = s;
  return s;
}

// Whether a failed stream was refused unprocessed, so a client may resend it.
function refused(e) {
  return e.code === 'ERR_HTTP2_GOAWAY_SESSION' || /REFUSED_STREAM/.test(e.message)
    || e.code === 'ERR_HTTP2_STREAM_CANCEL' && /GOAWAY/.test(String(e.cause || ''));
}

// Each session stands for one browser (a browser keeps one HTTP/2 connection per site). A request
// the proxy refused is resent by the same browser on a new connection (the refusing one is
// replaced), at most twice: Chromium's limit for REFUSED_STREAM (kMaxRetryAttempts in
// net/http/http_network_transaction.cc).
const MAX_RESENDS = 2;
function request2(resends = 0, client = nextSession++ % opt.connections) {
  const i = client;
  let stream;
  const fail = (e) => {
    if (resends < MAX_RESENDS && refused(e)) {
      stats.h2_resent++;
      if (sessions2[i]) sessions2[i].goingAway = true;
      request2(resends + 1, i);
    } else failed(e, e.code === 'ECONNRESET' || /ECONNRESET/.test(String(e.cause || '')), false);
  };
  try {
    stream = session2(i).request({ ':path': '/api/info', ':authority': target.host });
  } catch (e) {
    fail(e);
    return;
  }
  let done = false;
  stream.setTimeout(10000, () => stream.close(http2.constants.NGHTTP2_CANCEL));
  stream.on('response', (headers) => { done = true; answered(headers[':status']); });
  stream.on('error', (e) => { if (!done) { done = true; fail(e); } });
  stream.on('close', () => {
    if (done) return;
    done = true;
    // Closed before any answer: REFUSED_STREAM is the protocol's "not processed, resend".
    const code = stream.rstCode;
    const e = new Error(code === http2.constants.NGHTTP2_REFUSED_STREAM ? 'REFUSED_STREAM' : `stream closed (code ${code})`);
    e.code = code === http2.constants.NGHTTP2_REFUSED_STREAM ? 'REFUSED_STREAM' : 'ERR_HTTP2_STREAM_CLOSED';
    fail(e);
  });
  stream.resume();
  stream.end();
}

// Every 10 ms, fires what the elapsed time owes at --rate: a busy machine delays timers, and
// counting ticks instead of time would quietly send less than asked.
let sent = 0;
const httpTimer = setInterval(() => {
  const owed = Math.floor(((Date.now() - started) / 1000) * opt.rate) - sent;
  for (let i = 0; i < owed; i++) secure ? request2() : request();
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
    const sock = secure
      ? tls.connect({ host: address, port, ...tlsOptions, ALPNProtocols: ['http/1.1'] })
      : net.connect(port, address);
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
    sock.on(secure ? 'secureConnect' : 'connect', () => sock.write(
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
    // Requests that neither got an answer nor failed: behind a stalled proxy they wait for a
    // connection (queued in the agent, or connecting), where no request timeout runs yet, so
    // they show up only here.
    stats.sent = sent;
    stats.unanswered = Math.max(0, sent - stats.requests);
    const text = JSON.stringify(stats);
    if (opt.out) fs.writeFileSync(opt.out, text + '\n');
    console.log(text);
    agent.destroy();
    for (const s of sessions2) if (s) s.destroy();
    process.exit(0);
  }, 2000);
}
process.on('SIGTERM', finish);
process.on('SIGINT', finish);
setTimeout(finish, opt['max-seconds'] * 1000);
