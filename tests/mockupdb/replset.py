"""MongoDB replica sets scripted with MockupDB, for the tests of `rctopo probe`.

No MongoDB server runs on the test machines. MockupDB (MongoDB's own wire-protocol test server,
PyPI `mockupdb`) listens on 127.0.0.1 ports and answers the commands the probe sends with
documents shaped as MongoDB documents them: hello, buildInfo, serverStatus, getParameter,
replSetGetStatus, connectionStatus, find on local.oplog.rs, saslStart. The Rust driver talks to
them over real TCP.

Used two ways:
- imported (pytest): `with scenario("healthy") as s: ... s.topology_toml ...`
- run: `python replset.py SCENARIO` prints one JSON line `{"topology": "<toml>", "ports": [...]}`,
  serves until its standard input closes, then stops (Rust and Node tests spawn it).
"""

import contextlib
import datetime
import json
import os
import socket
import sys
import threading

from bson import ObjectId, Timestamp
from mockupdb import MockupDB

SET = "rs0"
NOW = datetime.datetime(2026, 11, 30, 12, 0, 0, tzinfo=datetime.timezone.utc)
# maxWireVersion of each release (MongoDB wire protocol: 7.0 -> 21, 6.0 -> 17, 5.0 -> 13, 4.0 -> 7).
WIRE = {"7.0": 21, "6.0": 17, "5.0": 13, "4.0": 7}
READ_WRITE = ["find", "insert", "update", "remove", "createIndex", "createCollection", "dropCollection"]
CLUSTER_MONITOR = ["serverStatus", "replSetGetStatus", "getParameter", "connPoolStats"]


def member(port, state="PRIMARY", version="7.0.14", engine="wiredTiger", fcv=None, health=1, lag=0):
    """One member as the scenario describes it (`state` as replSetGetStatus names it)."""
    return {
        "port": port, "state": state, "version": version, "engine": engine,
        "fcv": fcv or ".".join(version.split(".")[:2]), "health": health, "lag": lag,
    }


STATES = {"PRIMARY": 1, "SECONDARY": 2, "ARBITER": 7, "(not reachable/healthy)": 8, "REMOVED": 10}


class ReplicaSet:
    """MockupDB servers for the running members, and the documents they answer."""

    def __init__(self, members, *, in_set=None, oplog_hours=48.0, auth_fails=False,
                 restricted=False, oplog_unauthorized=False, write_majority=None, silent=()):
        self.members = members
        self.in_set = in_set if in_set is not None else [m["port"] for m in members]
        self.oplog_hours = oplog_hours
        self.auth_fails = auth_fails
        self.restricted = restricted
        self.oplog_unauthorized = oplog_unauthorized
        self.write_majority = write_majority
        self.silent = set(silent)
        self.servers = []
        self.sockets = []

    def host(self, port):
        return f"127.0.0.1:{port}"

    def start(self, running):
        for m in self.members:
            if m["port"] in self.silent:
                # Accepts connections and never answers: the timeout case.
                sock = socket.socket()
                sock.bind(("127.0.0.1", m["port"]))
                sock.listen(16)
                self.sockets.append(sock)
            elif m["port"] in running:
                server = MockupDB(port=m["port"])
                server.autoresponds(lambda request, m=m: self.answer(request, m))
                server.run()
                self.servers.append(server)

    def stop(self):
        # Each server's accept loop notices the stop only within a second: stop them in the
        # background (their ports are ephemeral and never reused by the next scenario).
        for server in self.servers:
            threading.Thread(target=server.stop, daemon=True).start()
        for sock in self.sockets:
            sock.close()

    # -- answers --------------------------------------------------------------------------

    def answer(self, request, m):
        name = request.command_name.lower() if request.command_name else ""
        handler = {
            "hello": self.hello, "ismaster": self.hello, "buildinfo": self.build_info,
            "serverstatus": self.server_status, "getparameter": self.get_parameter,
            "replsetgetstatus": self.status, "connectionstatus": self.connection_status,
            "find": self.find, "saslstart": self.sasl_start,
        }.get(name)
        if handler is None:
            return request.reply({"ok": 1})
        return request.reply(handler(m, request.doc))

    def hello(self, m, _doc):
        primary = next((x for x in self.members if x["state"] == "PRIMARY"), None)
        doc = {
            "isWritablePrimary": m["state"] == "PRIMARY",
            "ismaster": m["state"] == "PRIMARY",
            "secondary": m["state"] == "SECONDARY",
            "hosts": [self.host(x["port"]) for x in self.members
                      if x["port"] in self.in_set and x["state"] != "ARBITER"],
            "arbiters": [self.host(x["port"]) for x in self.members if x["state"] == "ARBITER"],
            "setName": SET,
            "setVersion": 1,
            "me": self.host(m["port"]),
            "maxBsonObjectSize": 16777216,
            "maxMessageSizeBytes": 48000000,
            "maxWriteBatchSize": 100000,
            "localTime": NOW,
            "logicalSessionTimeoutMinutes": 30,
            "connectionId": 1,
            "minWireVersion": 0,
            "maxWireVersion": WIRE[".".join(m["version"].split(".")[:2])],
            "readOnly": False,
            "ok": 1,
        }
        if m["state"] == "ARBITER":
            doc["arbiterOnly"] = True
        if primary is not None and primary["health"]:
            doc["primary"] = self.host(primary["port"])
        return doc

    def build_info(self, m, _doc):
        parts = [int(p) for p in m["version"].split(".")]
        return {"version": m["version"], "gitVersion": "0" * 40, "versionArray": parts + [0],
                "bits": 64, "maxBsonObjectSize": 16777216, "ok": 1}

    def server_status(self, m, _doc):
        if self.restricted:
            return unauthorized("serverStatus", "rocketchat")
        return {"host": f"db:{m['port']}", "version": m["version"], "process": "mongod",
                "uptime": 86400.0, "localTime": NOW,
                "storageEngine": {"name": m["engine"], "supportsCommittedReads": True,
                                  "persistent": m["engine"] != "inMemory"},
                "ok": 1}

    def get_parameter(self, m, _doc):
        if self.restricted:
            return unauthorized("getParameter", "admin")
        return {"featureCompatibilityVersion": {"version": m["fcv"]}, "ok": 1}

    def status(self, m, _doc):
        if self.restricted:
            return unauthorized("replSetGetStatus", "admin")
        if m["port"] not in self.in_set:
            return {"ok": 0, "errmsg": "Our replica set config is invalid or we are not a member of it",
                    "code": 93, "codeName": "InvalidReplicaSetConfig"}
        members = []
        for i, x in enumerate(x for x in self.members if x["port"] in self.in_set):
            optime = NOW - datetime.timedelta(seconds=x["lag"])
            members.append({
                "_id": i, "name": self.host(x["port"]), "health": float(x["health"]),
                "state": STATES[x["state"]], "stateStr": x["state"], "uptime": 86400,
                "optime": {"ts": Timestamp(int(optime.timestamp()), 1), "t": 3},
                "optimeDate": optime, "configVersion": 1, "configTerm": 3,
                **({"self": True} if x is m else {}),
            })
        voting = len(members)
        data_voting = sum(1 for x in self.members if x["port"] in self.in_set and x["state"] != "ARBITER")
        majority = voting // 2 + 1
        return {
            "set": SET, "date": NOW, "myState": STATES[m["state"]], "term": 3,
            "heartbeatIntervalMillis": 2000,
            "majorityVoteCount": majority,
            "writeMajorityCount": self.write_majority or min(majority, data_voting),
            "votingMembersCount": voting, "writableVotingMembersCount": data_voting,
            "members": members, "ok": 1,
        }

    def connection_status(self, _m, _doc):
        privileges = [{"resource": {"db": "rocketchat", "collection": ""}, "actions": READ_WRITE}]
        roles = [{"role": "readWrite", "db": "rocketchat"}]
        if not self.restricted:
            privileges.append({"resource": {"cluster": True}, "actions": CLUSTER_MONITOR})
            roles.append({"role": "clusterMonitor", "db": "admin"})
        return {"authInfo": {"authenticatedUsers": [{"user": "rocketchat", "db": "admin"}],
                             "authenticatedUserRoles": roles,
                             "authenticatedUserPrivileges": privileges},
                "ok": 1}

    def find(self, _m, doc):
        if doc.get("$db") != "local" or doc.get("find") != "oplog.rs":
            return {"cursor": {"firstBatch": [], "id": 0, "ns": f"{doc.get('$db')}.{doc.get('find')}"}, "ok": 1}
        if self.oplog_unauthorized:
            return unauthorized("find", "local")
        newest = NOW
        oldest = NOW - datetime.timedelta(hours=self.oplog_hours)
        first = oldest if doc.get("sort", {}).get("$natural", 1) == 1 else newest
        return {"cursor": {"firstBatch": [{"ts": Timestamp(int(first.timestamp()), 1)}],
                           "id": 0, "ns": "local.oplog.rs"}, "ok": 1}

    def sasl_start(self, _m, _doc):
        return {"ok": 0, "errmsg": "Authentication failed.", "code": 18, "codeName": "AuthenticationFailed"}


def unauthorized(command, db):
    return {"ok": 0, "errmsg": f"not authorized on {db} to execute command {{ {command}: 1 }}",
            "code": 13, "codeName": "Unauthorized"}


def free_ports(n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


# A canary password: tests assert it never appears in any output.
CANARY = "c4n4ry-Pw"


def build(name):
    """(ReplicaSet, running ports, topology options) for a scenario."""
    p = free_ports(3)
    # Without credentials except in the auth scenario: MockupDB speaks no SCRAM, so a successful
    # login cannot be scripted; connectionStatus still names the user the server would report.
    url_user = ""
    options = {"version": "7.0", "rocketchat": "7.10.0", "oplog_url": None}
    running = set(p)
    if name == "healthy":
        rs = ReplicaSet([member(p[0]), member(p[1], "SECONDARY"), member(p[2], "SECONDARY")])
    elif name == "no-primary":
        rs = ReplicaSet([member(p[0], "SECONDARY"),
                         member(p[1], "(not reachable/healthy)", health=0),
                         member(p[2], "(not reachable/healthy)", health=0)])
        running = {p[0]}
    elif name == "member-missing":
        rs = ReplicaSet([member(p[0]), member(p[1], "SECONDARY"), member(p[2], "REMOVED")],
                        in_set=[p[0], p[1]])
    elif name == "version-mismatch":
        rs = ReplicaSet([member(p[0], fcv="6.0"), member(p[1], "SECONDARY", version="5.0.30"),
                         member(p[2], "SECONDARY", lag=45)])
    elif name == "mmapv1":
        rs = ReplicaSet([member(p[0], version="4.0.28", engine="mmapv1"),
                         member(p[1], "SECONDARY", version="4.0.28", engine="mmapv1"),
                         member(p[2], "SECONDARY", version="4.0.28", engine="mmapv1")])
        options["version"] = "4.0"
    elif name == "in-memory":
        rs = ReplicaSet([member(p[0], engine="inMemory"), member(p[1], "SECONDARY", engine="inMemory"),
                         member(p[2], "SECONDARY", engine="inMemory")], oplog_hours=3.5)
    elif name == "oplog-unauthorized":
        rs = ReplicaSet([member(p[0]), member(p[1], "SECONDARY"), member(p[2], "SECONDARY")],
                        oplog_unauthorized=True)
        options["oplog_url"] = True
    elif name == "restricted-user":
        rs = ReplicaSet([member(p[0]), member(p[1], "SECONDARY"), member(p[2], "SECONDARY")],
                        restricted=True)
    elif name == "psa-secondary-down":
        rs = ReplicaSet([member(p[0]), member(p[1], "(not reachable/healthy)", health=0),
                         member(p[2], "ARBITER")])
        running = {p[0], p[2]}
    elif name == "timeout":
        rs = ReplicaSet([member(p[0]), member(p[1], "SECONDARY"), member(p[2], "SECONDARY")],
                        silent=[p[2]])
    elif name == "auth-failure":
        rs = ReplicaSet([member(p[0]), member(p[1], "SECONDARY"), member(p[2], "SECONDARY")],
                        auth_fails=True)
        url_user = f"rocketchat:{CANARY}@"
    else:
        raise SystemExit(f"unknown scenario {name!r}")
    hosts = ",".join(rs.host(x) for x in p)
    auth_source = "&authSource=admin" if url_user else ""
    options["url"] = f"mongodb://{url_user}{hosts}/rocketchat?replicaSet={SET}{auth_source}"
    if options["oplog_url"]:
        options["oplog_url"] = f"mongodb://{hosts}/local?replicaSet={SET}"
    options["members"] = [rs.host(x) for x in p]
    options["arbiters"] = [rs.host(m["port"]) for m in rs.members if m["state"] == "ARBITER"]
    return rs, running, options


def topology_toml(options):
    members = ", ".join(
        f'{{ host = "{h}"{", arbiter = true" if h in options["arbiters"] else ""} }}'
        for h in options["members"])
    oplog = f'oplog_url = "{options["oplog_url"]}"\n' if options["oplog_url"] else ""
    return f"""[site]
root_url = "https://chat.example.com"

[rocketchat]
version = "{options["rocketchat"]}"

[mongo]
url = "{options["url"]}"
{oplog}version = "{options["version"]}"
replica_set = "{SET}"
members = [{members}]

[[hosts]]
name = "app1"
cores = 2
"""


SCENARIOS = ["healthy", "no-primary", "member-missing", "version-mismatch", "mmapv1", "in-memory",
             "oplog-unauthorized", "restricted-user", "psa-secondary-down", "timeout", "auth-failure"]


class Running:
    def __init__(self, rs, options):
        self.rs = rs
        self.options = options
        self.topology_toml = topology_toml(options)
        self.ports = [m["port"] for m in rs.members]


@contextlib.contextmanager
def scenario(name):
    rs, running, options = build(name)
    rs.start(running)
    try:
        yield Running(rs, options)
    finally:
        rs.stop()


def main():
    rs, running, options = build(sys.argv[1])
    rs.start(running)
    s = Running(rs, options)
    print(json.dumps({"topology": s.topology_toml, "ports": s.ports}), flush=True)
    # Serve until the parent closes our standard input; the OS then closes every socket.
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
