// A stand-in for mongosh running a rendered rs-initiate.js with `--nodb`: the script's globals
// (connect, sleep, print, quit, process.env) over an in-memory replica set member that answers
// ping, replSetGetStatus, replSetInitiate, hello, usersInfo and createUser, with MongoDB's
// localhost exception (no authentication needed until the first user exists). No mongosh or
// mongod runs on this machine; this checks the script's control flow, not the server.
//
// Usage: node mongosh_standin.js SCRIPT; the scenario comes as JSON in RCTOPO_SCENARIO:
// { "downFor": <connect attempts refused before mongod answers>, "initiated": bool,
//   "users": { "user@db": "password" }, "env": { NAME: value } }.
// Prints one JSON line: { exit, uris, initiated, config, created, authenticatedAs, output }.
'use strict';
const fs = require('fs');
const vm = require('vm');

const scenario = JSON.parse(process.env.RCTOPO_SCENARIO || '{}');
const server = {
  downFor: scenario.downFor || 0,
  initiated: Boolean(scenario.initiated),
  config: null,
  users: Object.assign({}, scenario.users || {}),
  hellos: 0,
};
const record = { exit: 0, uris: [], created: [], authenticatedAs: null, output: [] };
let clock = 1_000_000;
let authed = null;

class Exit extends Error {}

function fail(code, errmsg) {
  return { ok: 0, code, errmsg };
}

function database(name) {
  return {
    getSiblingDB: (other) => database(other),
    auth(user, pwd) {
      if (server.users[`${user}@${name}`] === pwd) {
        authed = `${user}@${name}`;
        record.authenticatedAs = authed;
        return true;
      }
      return false;
    },
    runCommand(command) {
      const verb = Object.keys(command)[0];
      const locked = Object.keys(server.users).length > 0 && !authed;
      switch (verb) {
        case 'ping':
          return { ok: 1 };
        case 'hello':
          server.hellos += 1;
          return { ok: 1, isWritablePrimary: server.initiated && server.hellos > 1 };
        case 'replSetGetStatus':
          if (locked) return fail(13, 'command replSetGetStatus requires authentication');
          return server.initiated ? { ok: 1 } : fail(94, 'no replset config has been received');
        case 'replSetInitiate':
          if (locked) return fail(13, 'requires authentication');
          if (server.initiated) return fail(23, 'already initialized');
          server.initiated = true;
          server.config = command.replSetInitiate;
          return { ok: 1 };
        case 'usersInfo':
          if (locked) return fail(13, 'requires authentication');
          return { ok: 1, users: server.users[`${command.usersInfo}@${name}`] ? [{}] : [] };
        case 'createUser':
          if (locked) return fail(13, 'requires authentication');
          if (!server.initiated || server.hellos < 2) return fail(10107, 'not primary');
          server.users[`${command.createUser}@${name}`] = command.pwd;
          record.created.push({ user: command.createUser, db: name, roles: command.roles, pwd: command.pwd });
          return { ok: 1 };
        default:
          return fail(59, `no such command: ${verb}`);
      }
    },
  };
}

const context = vm.createContext({
  connect(uri) {
    record.uris.push(uri);
    if (server.downFor > 0) {
      server.downFor -= 1;
      throw new Error('connect ECONNREFUSED');
    }
    return database('admin');
  },
  sleep(ms) {
    clock += ms;
  },
  print(text) {
    record.output.push(String(text));
  },
  quit(code) {
    record.exit = code;
    throw new Exit();
  },
  process: { env: scenario.env || {} },
  Date: { now: () => clock },
  Object,
  Error,
  JSON,
  String,
});

try {
  vm.runInContext(fs.readFileSync(process.argv[2], 'utf8'), context, { filename: process.argv[2] });
} catch (e) {
  if (!(e instanceof Exit)) {
    record.exit = 2;
    record.output.push(`uncaught: ${e && e.stack}`);
  }
}
record.initiated = server.initiated;
record.config = server.config;
process.stdout.write(JSON.stringify(record) + '\n');
