// A Rocket.Chat stand-in for the lab: one Node file, no dependencies, no MongoDB. It behaves
// like a Rocket.Chat server where it matters to a deployment, and nowhere else:
// - reads PORT, BIND_IP, INSTANCE_IP, TCP_PORT, ROOT_URL, MONGO_URL from its environment and
//   exits 1, as Rocket.Chat does, when what it needs is missing;
// - lists the network interfaces at start (Rocket.Chat's service broker does, so a unit that
//   forbids netlink sockets fails here as it would there);
// - writes to its file-system uploads directory, to the uploads' temporary directory (under
//   os.tmpdir()) and to a cache under HOME, and exits 1 when one is not writable;
// - listens only after a configurable start-up time (Meteor opens its port once started), on
//   TCP_PORT too (the instance-to-instance transport);
// - answers /api/info with its release version, /health, /livez and /readyz as the release it
//   plays does, and 200 on any other path (Meteor serves its app there);
// - serves a DDP-like WebSocket on /websocket: `connect` -> `connected`, `ping` -> `pong`,
//   `method` -> `result` naming the version and instance that answered;
// - on SIGTERM stops accepting, closes its WebSockets (1001 going away), finishes what is in
//   flight and exits 0.
// - connects to MONGO_URL at start with the Node `mongodb` driver (the driver Rocket.Chat uses):
//   `connect()` selects the primary, then a `ping` runs on it; with release.json's
//   `"mongo": "required"` it listens only once connected and exits 1 when it cannot connect,
//   otherwise it only reports. Either way it logs the outcome and serves it on /standin/mongo.
// Its release (version, start-up time, mongo) comes from release.json beside this file, so that
// one stand-in release per version is installed and an upgrade really switches code. ws.js (the
// WebSocket frames) and node_modules/mongodb (the driver) are installed beside it.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { frame, parseFrames } = require('./ws.js');

const release = JSON.parse(fs.readFileSync(path.join(__dirname, 'release.json'), 'utf8'));
const version = release.version;
const readyDelayMs = Number(process.env.STANDIN_READY_DELAY_MS || release.ready_delay_ms || 0);

function fail(message) {
  console.error(`standin ${version}: ${message}`);
  process.exit(1);
}

function versionAtLeast(want) {
  const a = version.split('.').map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
  }
  return true;
}

function checkEnvironment() {
  for (const name of ['PORT', 'ROOT_URL', 'MONGO_URL']) {
    if (!process.env[name]) fail(`${name} is not set`);
  }
  if (process.env.NODE_ENV !== 'production') {
    console.warn(`standin ${version}: NODE_ENV is ${process.env.NODE_ENV || 'unset'}, not production`);
  }
}

// What Rocket.Chat's broker does first: the local node's address list.
function listInterfaces() {
  try {
    const ifaces = os.networkInterfaces();
    return Object.values(ifaces).flat().filter((i) => !i.internal).map((i) => i.address);
  } catch (e) {
    fail(`os.networkInterfaces() failed: ${e.message}`);
  }
}

function mustWrite(dir, what) {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `.standin-${process.env.PORT}-${process.pid}`);
    fs.writeFileSync(file, 'x');
    fs.unlinkSync(file);
  } catch (e) {
    fail(`${what} ${dir} is not writable: ${e.code || e.message}`);
  }
}

function checkWritablePlaces() {
  const uploads = process.env.OVERWRITE_SETTING_FileUpload_FileSystemPath || process.env.STANDIN_UPLOADS;
  if (uploads) mustWrite(uploads, 'the uploads directory');
  mustWrite(path.join(os.tmpdir(), 'ufs'), 'the uploads temporary directory');
  mustWrite(path.join(os.homedir(), '.cache'), 'the cache under HOME');
}

const instance = `${process.env.INSTANCE_IP || 'localhost'}:${process.env.PORT}`;
let stopping = false;
const sockets = new Set();

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type, 'x-instance': instance, 'x-version': version });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

// What connecting to MONGO_URL gave: {state: connecting|connected|failed|skipped, ...}.
let mongo = { state: 'connecting' };

// The driver's view once connected: the topology type, the set, each member's type.
function mongoView(client, ping) {
  const d = client.topology.description;
  const members = [...d.servers.values()].map((s) => ({ address: s.address, type: s.type }));
  const primary = members.find((m) => m.type === 'RSPrimary');
  return { state: 'connected', type: d.type, set_name: d.setName, primary: primary && primary.address, members, ping: ping.ok };
}

// Connects at start and keeps the client open for the life of the process, as a server does.
async function connectMongo() {
  let driver;
  try {
    driver = require('mongodb');
  } catch (e) {
    return { state: 'failed', error: `the mongodb driver is not installed beside the stand-in: ${e.code}` };
  }
  const client = new driver.MongoClient(process.env.MONGO_URL, { serverSelectionTimeoutMS: 15000, appName: `standin-${version}` });
  try {
    await client.connect();
    const view = mongoView(client, await client.db().command({ ping: 1 }));
    view.driver = require('mongodb/package.json').version;
    process.on('SIGTERM', () => client.close().catch(() => {}));
    return view;
  } catch (e) {
    await client.close().catch(() => {});
    return { state: 'failed', error: `${e.name}: ${e.message}` };
  }
}

function handle(req, res) {
  const url = req.url.split('?')[0];
  if (url === '/standin/mongo') return send(res, 200, mongo);
  if (url === '/api/info') return send(res, 200, { version, success: true });
  if (url === '/health' && versionAtLeast('5.3.0')) return send(res, 200, { status: 'ok' });
  if ((url === '/livez' || url === '/readyz') && versionAtLeast('7.11.0')) {
    return send(res, stopping && url === '/readyz' ? 503 : 200, { status: 'ok' });
  }
  return send(res, 200, '<!DOCTYPE html><html><body>Rocket.Chat</body></html>', 'text/html');
}

function ddp(message) {
  let m;
  try { m = JSON.parse(message); } catch { return message; }
  if (m.msg === 'connect') return JSON.stringify({ msg: 'connected', session: crypto.randomUUID() });
  if (m.msg === 'ping') return JSON.stringify({ msg: 'pong', id: m.id });
  if (m.msg === 'method') return JSON.stringify({ msg: 'result', id: m.id, result: { version, instance } });
  return message;
}

function upgrade(req, socket) {
  const key = req.headers['sec-websocket-key'];
  if (stopping || req.url.split('?')[0] !== '/websocket' || !key) {
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    return;
  }
  const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const state = { buf: Buffer.alloc(0) };
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => sockets.delete(socket));
  socket.on('data', (chunk) => parseFrames(state, chunk, (opcode, payload) => {
    if (opcode === 1) socket.write(frame(1, Buffer.from(ddp(payload.toString('utf8')))));
    else if (opcode === 9) socket.write(frame(10, payload));
    else if (opcode === 8) socket.end(frame(8, payload.subarray(0, 2)));
  }));
}

async function main() {
  checkEnvironment();
  const addresses = listInterfaces();
  checkWritablePlaces();
  const connecting = connectMongo().then((result) => {
    mongo = result;
    const how = result.state === 'connected'
      ? `${result.type} ${result.set_name}, primary ${result.primary}, ping ok ${result.ping} (driver ${result.driver})`
      : result.error;
    console.log(`standin ${version}: MongoDB ${result.state}: ${how}`);
    if (release.mongo === 'required' && result.state !== 'connected') fail('cannot connect to MONGO_URL');
  });
  // Rocket.Chat cannot serve without its database: with `required`, neither does the stand-in.
  if (release.mongo === 'required') await connecting;
  const port = Number(process.env.PORT);
  const bindIp = process.env.BIND_IP || '0.0.0.0';
  const server = http.createServer(handle);
  server.on('upgrade', upgrade);
  const tcpPort = Number(process.env.TCP_PORT || 0);
  const transport = net.createServer((s) => s.end());
  setTimeout(() => {
    transport.on('error', (e) => fail(`TCP_PORT ${tcpPort}: ${e.code}`));
    transport.listen(tcpPort);
    server.on('error', (e) => fail(`PORT ${port} on ${bindIp}: ${e.code}`));
    server.listen(port, bindIp, () => {
      console.log(`standin ${version} ready on ${bindIp}:${port} as ${instance} (addresses ${addresses.join(' ')})`);
    });
  }, readyDelayMs);

  process.on('SIGTERM', () => {
    stopping = true;
    server.close(() => process.exit(0));
    transport.close();
    server.closeIdleConnections();
    for (const s of sockets) s.end(frame(8, Buffer.from([0x03, 0xe9])));
    // Whatever still holds a connection after 10 s is cut, as a stopping server would.
    setTimeout(() => process.exit(0), 10000).unref();
  });
}

main();
