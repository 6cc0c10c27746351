# Type stubs of the Rust extension. Keep in step with bindings-python/src/*.rs.
import os
from collections.abc import Sequence
from typing import Any, Literal, TypedDict, final

__version__: str

Severity = Literal["error", "warning", "info"]

class EnvVar(TypedDict):
    name: str
    value: str  # "***" for secrets (MONGO_URL, MONGO_OPLOG_URL, *PASSWORD*, *TOKEN*, ...)

class HostLayout(TypedDict):
    name: str
    index: int
    address: str | None
    cores: int
    runs_proxy: bool

class Instance(TypedDict):
    id: str  # "<host>:<port>", e.g. "app1:3001"
    host: str
    host_index: int
    ordinal: int
    address: str | None
    port: int
    tcp_port: int
    unit: str
    upstream_host: str
    env: list[EnvVar]

class Layout(TypedDict):
    hosts: list[HostLayout]
    instances: list[Instance]

class LocationDict(TypedDict):
    line: int
    column: int

class DiagnosticDict(TypedDict, total=False):
    code: str
    name: str
    severity: Severity
    path: str
    message: str
    help: str
    location: LocationDict

class Report(TypedDict):
    diagnostics: list[DiagnosticDict]
    errors: int
    warnings: int

class ProbeMember(TypedDict, total=False):
    host: str
    reachable: bool
    state: str  # PRIMARY, SECONDARY, ARBITER, OTHER, STANDALONE; absent when it did not answer
    version: str  # buildInfo.version

class ProbeReport(TypedDict):
    diagnostics: list[DiagnosticDict]
    errors: int
    warnings: int
    members: list[ProbeMember]

@final
class Diagnostic:
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def path(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def help(self) -> str: ...
    @property
    def location(self) -> tuple[int, int] | None: ...
    def to_dict(self) -> DiagnosticDict: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RenderedFile:
    @property
    def host(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def mode(self) -> int: ...
    @property
    def contents(self) -> str: ...

Target = Literal["systemd", "nginx", "apache", "haproxy", "mongod", "mermaid", "all"]
Format = Literal["toml", "yaml", "json"]

@final
class Topology:
    @staticmethod
    def load(path: str | os.PathLike[str]) -> Topology: ...
    @staticmethod
    def from_str(text: str, format: Format = "toml") -> Topology: ...
    @staticmethod
    def from_dict(value: dict[str, Any], expand_env: bool = True) -> Topology: ...
    @staticmethod
    def json_schema() -> dict[str, Any]: ...
    @property
    def file(self) -> str | None: ...
    def layout(self) -> Layout: ...
    def check(self) -> list[Diagnostic]: ...
    def report(self) -> Report: ...
    def probe(self, timeout: float = 5.0) -> ProbeReport: ...
    def render(self, target: Target = "all", drained: Sequence[str] = ()) -> list[RenderedFile]: ...

class ShellScript(TypedDict):
    name: str
    host: str | None  # None for one ssh script run from a control machine
    rollback: bool
    text: str

class PlanStep(TypedDict):
    id: int
    wave: int
    host: str
    action: dict[str, Any]  # {"kind": "start_unit", "unit": ..., "instance": "app1:3001", ...}
    description: str

@final
class Plan:
    @property
    def steps(self) -> list[PlanStep]: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    @property
    def waves(self) -> list[list[PlanStep]]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...
    def to_text(self) -> str: ...
    def to_shell(
        self, ssh: bool = False, commands: dict[str, Any] | None = None
    ) -> list[ShellScript]: ...

def plan(current: Topology | None, desired: Topology, **policy: Any) -> Plan: ...

class UrlHost(TypedDict):
    host: str
    port: int | None
    type: str

@final
class MongoUrl:
    @staticmethod
    def parse(url: str) -> MongoUrl: ...
    @property
    def scheme(self) -> Literal["mongodb", "mongodb+srv"]: ...
    @property
    def hosts(self) -> list[UrlHost]: ...
    @property
    def username(self) -> str | None: ...
    @property
    def has_password(self) -> bool: ...
    @property
    def database(self) -> str | None: ...
    @property
    def options(self) -> dict[str, Any]: ...
    @property
    def replica_set(self) -> str | None: ...
    @property
    def auth_source(self) -> str | None: ...
    @property
    def auth_mechanism(self) -> str | None: ...
    @property
    def warnings(self) -> list[str]: ...

def check_mongo_urls(
    url: str, oplog_url: str | None = None, rocketchat_version: str | None = None
) -> dict[str, Any]: ...

class _Carrying(ValueError):
    diagnostics: list[Diagnostic]
    path: str | None
    location: tuple[int, int] | None
    file: str | None

class TopologyError(_Carrying): ...
class MongoUrlError(_Carrying):
    kind: str  # set when MongoUrl.parse refuses: syntax, userinfo, host, database, option, ...
    help: str
class PlanError(_Carrying): ...
class InternalError(RuntimeError): ...

def _panic_for_test() -> None: ...
