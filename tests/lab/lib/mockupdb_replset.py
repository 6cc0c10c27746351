"""MockupDB at a lab's replica-set member addresses: the MongoDB the lab's instances connect to.

mockupdb_replset.py SET PRIMARY MEMBER=ADDRESS...   e.g. rs0 db1.lab:27017 db1.lab:27017=10.77.0.21

No MongoDB server runs here. MockupDB (PyPI `mockupdb`, MongoDB's wire-protocol test server)
listens on each member's address and port and answers as one member of replica set SET whose
primary is PRIMARY. It answers what the Node `mongodb` driver (6.x, Rocket.Chat's) sends to
connect and select a server, and the commands the stand-in runs:
- the handshake (`ismaster`, its LEGACY_HELLO_COMMAND, with `helloOk: true`: lib/cmap/connect.js
  prepareHandshakeDocument) and the monitors' `hello`: setName, hosts, primary, me (the member's
  own name: the driver removes a member whose `me` differs from the address it was given,
  lib/sdam/topology_description.js), isWritablePrimary/secondary (what
  lib/sdam/server_description.js parseServerType reads), maxWireVersion 21 (MongoDB 7.0; the
  driver refuses a server below its MIN_SUPPORTED_WIRE_VERSION, 8) and the size limits. No
  `topologyVersion`: the driver then polls every heartbeatFrequencyMS instead of the streaming
  protocol (lib/sdam/monitor.js useStreamingProtocol), which MockupDB has no need to hold open;
- `ping`, `buildInfo`, `endSessions`; any other command is answered CommandNotFound (59).
Every command is logged as `MEMBER COMMAND` on standard output, so the lab can say what the
driver sent. Prints `ready` once every member listens; serves until SIGTERM.
"""

import datetime
import os
import signal
import sys
import threading

from bson import ObjectId
from mockupdb import MockupDB

# MongoDB 7.0's wire version (the lab topologies' mongo.version).
MAX_WIRE_VERSION = 21
ELECTION_ID = ObjectId("7fffffff0000000000000003")


class Member:
    def __init__(self, set_name, name, primary, hosts, address):
        self.set_name, self.name, self.primary, self.hosts = set_name, name, primary, hosts
        port = int(name.rsplit(":", 1)[1])
        self.server = MockupDB(port=port)
        # MockupDB binds `localhost` and has no option for another address: the lab's member
        # listens on its own address, inside the database namespace.
        self.server._address = (address, port)
        self.server.autoresponds(self.answer)
        self.lock = threading.Lock()

    def answer(self, request):
        name = (request.command_name or "").lower()
        with self.lock:
            print(f"{self.name} {request.command_name}", flush=True)
        if name in ("hello", "ismaster"):
            return request.reply(self.hello(request.doc))
        if name == "ping" or name == "endsessions":
            return request.reply({"ok": 1})
        if name == "buildinfo":
            return request.reply({"version": "7.0.14", "versionArray": [7, 0, 14, 0], "ok": 1})
        return request.reply({"ok": 0, "errmsg": f"no such command: '{request.command_name}'",
                              "code": 59, "codeName": "CommandNotFound"})

    def hello(self, doc):
        is_primary = self.name == self.primary
        reply = {
            "isWritablePrimary": is_primary, "ismaster": is_primary, "secondary": not is_primary,
            "setName": self.set_name, "setVersion": 1, "hosts": self.hosts, "primary": self.primary,
            "me": self.name, "maxBsonObjectSize": 16777216, "maxMessageSizeBytes": 48000000,
            "maxWriteBatchSize": 100000, "localTime": datetime.datetime.now(datetime.timezone.utc),
            "logicalSessionTimeoutMinutes": 30, "connectionId": 1, "minWireVersion": 0,
            "maxWireVersion": MAX_WIRE_VERSION, "readOnly": False, "ok": 1,
        }
        if is_primary:
            reply["electionId"] = ELECTION_ID
        if doc.get("helloOk"):
            reply["helloOk"] = True
        return reply


def main():
    set_name, primary, *pairs = sys.argv[1:]
    members = [pair.split("=", 1) for pair in pairs]
    hosts = [name for name, _ in members]
    if primary not in hosts:
        raise SystemExit(f"the primary {primary} is not one of the members {hosts}")
    servers = [Member(set_name, name, primary, hosts, address) for name, address in members]
    for member in servers:
        member.server.run()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    # Exiting closes every socket; MockupDB's own stop() waits on each accept loop in turn.
    os._exit(0)


main()
