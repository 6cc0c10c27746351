"""Model, check, render and plan multi-instance Rocket.Chat deployments (the Rust extension).

Type stubs of the extension; keep in step with bindings-python/src/*.rs (scripts/test-python.sh
runs stubtest against the built module). The TypedDicts and Literal aliases describe the plain
dicts and strings the extension returns; they exist for type checkers only.
"""

import os
from collections.abc import Sequence
from typing import Any, Literal, TypedDict, final

from typing_extensions import NotRequired

__all__ = [
    "Diagnostic",
    "InternalError",
    "MongoUrl",
    "MongoUrlError",
    "Plan",
    "PlanError",
    "RenderedFile",
    "Topology",
    "TopologyError",
    "TopologyFileNotFoundError",
    "__version__",
    "check_mongo_urls",
    "plan",
]

__version__: str
"""The package version, e.g. ``"0.1.0"``."""

Severity = Literal["error", "warning", "info"]
Target = Literal["systemd", "nginx", "apache", "haproxy", "mongod", "mermaid", "all"]
Format = Literal["toml", "yaml", "json"]
Order = Literal["spread", "by_host"]

class EnvVar(TypedDict):
    """One environment variable of an instance's unit."""

    name: str
    value: str
    """``"***"`` for secrets (MONGO_URL, MONGO_OPLOG_URL, *PASSWORD*, *TOKEN*, ...)."""

class HostLayout(TypedDict):
    """One application host of the resolved layout."""

    name: str
    index: int
    address: str | None
    cores: int
    runs_proxy: bool

class Instance(TypedDict):
    """One Rocket.Chat instance of the resolved layout."""

    id: str
    """``"<host>:<port>"``, e.g. ``"app1:3001"``."""
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
    """The resolved layout: every host and every instance with its port and environment."""

    hosts: list[HostLayout]
    instances: list[Instance]

class LocationDict(TypedDict):
    """A 1-based line and column in the topology file."""

    line: int
    column: int

class DiagnosticDict(TypedDict):
    """One diagnostic as a dict, as ``rctopo check --format json`` prints it."""

    code: str
    name: str
    severity: Severity
    path: str
    message: str
    help: str
    location: NotRequired[LocationDict]
    """Present when the topology was read from text."""

class Report(TypedDict):
    """A check as ``rctopo check --format json`` prints it."""

    diagnostics: list[DiagnosticDict]
    errors: int
    warnings: int

class ProbeMember(TypedDict, total=False):
    """One replica set member as the probe saw it."""

    host: str
    reachable: bool
    state: str  # PRIMARY, SECONDARY, ARBITER, OTHER, STANDALONE; absent when it did not answer
    version: str  # buildInfo.version

class ProbeReport(TypedDict):
    """What ``Topology.probe`` found: the diagnostics and every member."""

    diagnostics: list[DiagnosticDict]
    errors: int
    warnings: int
    members: list[ProbeMember]

class HealthPolicy(TypedDict, total=False):
    """How an instance proves it is ready before it joins the proxy (``plan(health=...)``)."""

    path: str | None
    interval_seconds: int
    deadline_seconds: int
    min_healthy_seconds: int

@final
class Diagnostic:
    """One finding of a check: which rule, how bad, where in the file, what and how to fix it."""

    @property
    def code(self) -> str:
        """Stable rule code, e.g. ``T005``."""
    @property
    def name(self) -> str:
        """Kebab-case rule name, e.g. ``duplicate-port``."""
    @property
    def severity(self) -> Severity:
        """``error``, ``warning`` or ``info``."""
    @property
    def path(self) -> str:
        """Field path in the topology file, e.g. ``hosts[1].ports[0]``."""
    @property
    def message(self) -> str:
        """What is wrong."""
    @property
    def help(self) -> str:
        """How to fix it."""
    @property
    def location(self) -> tuple[int, int] | None:
        """``(line, column)``, 1-based, when the topology was read from text."""
    def to_dict(self) -> DiagnosticDict:
        """The same dict as one entry of ``rctopo check --format json``."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RenderedFile:
    """One rendered configuration file and the machine it belongs on."""

    @property
    def host(self) -> str:
        """The machine the file belongs on (an application host, the proxy's, a mongod member)."""
    @property
    def path(self) -> str:
        """Absolute install path, e.g. ``/etc/rocketchat/3001.env``."""
    @property
    def mode(self) -> int:
        """Unix permission bits, e.g. ``0o600``."""
    @property
    def contents(self) -> str:
        """The file's text. Environment files hold the real MongoDB URL: write them, never log
        them."""

@final
class Topology:
    """A loaded topology and its resolved layout."""

    @staticmethod
    def load(path: str | os.PathLike[str]) -> Topology:
        """Reads a topology file; the format comes from the extension (.toml, .yaml/.yml,
        .json). Raises ``TopologyFileNotFoundError`` (a ``FileNotFoundError``) when the file
        does not exist, ``TopologyError`` when it cannot be used."""
    @staticmethod
    def from_str(text: str, format: Format = "toml") -> Topology:
        """Parses topology text in ``format`` (``toml``, ``yaml`` or ``json``)."""
    @staticmethod
    def from_dict(value: dict[str, Any], expand_env: bool = True) -> Topology:
        """Builds a topology from a dict shaped like the topology file; ``expand_env=False``
        leaves ``${NAME}`` references as written."""
    @staticmethod
    def json_schema() -> dict[str, Any]:
        """The JSON Schema of a topology file, as a dict."""
    @property
    def file(self) -> str | None:
        """The file this topology was read from, if any."""
    def layout(self) -> Layout:
        """The resolved layout: ``{"hosts": [...], "instances": [...]}``; secrets print as
        ``***``."""
    def check(self) -> list[Diagnostic]:
        """Runs every rule; diagnostics come errors first. Never raises for findings."""
    def report(self) -> Report:
        """The check as ``rctopo check --format json`` prints it."""
    def probe(self, timeout: float = 5.0) -> ProbeReport:
        """Asks every replica set member directly (MongoDB's driver, each with its own
        ``timeout`` in seconds) and judges what they say; releases the GIL while it waits."""
    def render(
        self, target: Target = "all", drained: Sequence[str] | None = None
    ) -> list[RenderedFile]:
        """The files of ``target``, with the instances in ``drained`` (ids like ``app1:3001``)
        out of rotation. Raises ``TopologyError`` with the diagnostics when the check finds
        errors."""

class ShellScript(TypedDict):
    """One bash script of a plan."""

    name: str
    host: str | None
    """``None`` for one ssh script run from a control machine."""
    rollback: bool
    text: str

class PlanStep(TypedDict):
    """One step of a plan."""

    id: int
    wave: int
    host: str
    action: dict[str, Any]
    """``{"kind": "start_unit", "unit": ..., "instance": "app1:3001", ...}``."""
    description: str

@final
class Plan:
    """A simulated zero-downtime rollout."""

    @property
    def steps(self) -> list[PlanStep]:
        """Every step, in order."""
    @property
    def summary(self) -> dict[str, Any]:
        """Counts and the budget the plan kept to."""
    @property
    def waves(self) -> list[list[PlanStep]]:
        """The steps grouped by wave, in wave order."""
    def to_dict(self) -> dict[str, Any]:
        """``rctopo plan --format json`` as a dict."""
    def to_json(self) -> str:
        """``rctopo plan --format json`` as text."""
    def to_text(self) -> str:
        """``rctopo plan --format text``."""
    def to_shell(
        self, ssh: bool = False, commands: dict[str, Any] | None = None
    ) -> list[ShellScript]:
        """The plan as bash scripts, one per run of steps on a machine (or one over ssh with
        ``ssh=True``), then the rollback scripts. ``commands`` replaces the default commands."""

def plan(
    current: Topology | None,
    desired: Topology,
    *,
    max_unavailable: int | str = ...,
    max_surge: int | str = ...,
    canary: int = ...,
    health: HealthPolicy = ...,
    drain_delay_seconds: int = ...,
    order: Order = ...,
) -> Plan:
    """Plans the rollout from ``current`` (``None``: a fresh install) to ``desired``. The
    keywords are the policy (``max_unavailable=1``, ``max_surge="25%"``, ``canary=1``, ...); a
    misspelled one raises ``TypeError``, a refused plan ``PlanError``."""

class UrlHost(TypedDict):
    """One host of a MongoDB connection string."""

    host: str
    port: int | None
    type: str

@final
class MongoUrl:
    """A connection string Rocket.Chat's driver accepts, cut into parts. ``str()`` and
    ``repr()`` show the password as ``***``."""

    @staticmethod
    def parse(url: str) -> MongoUrl:
        """Parses ``url``; raises ``MongoUrlError`` (with ``.kind`` and ``.help``) where the
        driver would."""
    @property
    def scheme(self) -> Literal["mongodb", "mongodb+srv"]:
        """``mongodb`` or ``mongodb+srv``."""
    @property
    def hosts(self) -> list[UrlHost]:
        """``[{"host", "port", "type"}]``."""
    @property
    def username(self) -> str | None:
        """The user name, if any."""
    @property
    def has_password(self) -> bool:
        """Whether the URL carries a password (never shown)."""
    @property
    def database(self) -> str | None:
        """The database in the path, if any."""
    @property
    def options(self) -> dict[str, Any]:
        """Lowercased option name -> value, as the driver read them; secret values are
        ``***``."""
    @property
    def replica_set(self) -> str | None:
        """The ``replicaSet`` option."""
    @property
    def auth_source(self) -> str | None:
        """The ``authSource`` option."""
    @property
    def auth_mechanism(self) -> str | None:
        """The ``authMechanism`` option."""
    @property
    def warnings(self) -> list[str]:
        """What the driver would warn about."""

def check_mongo_urls(
    url: str, oplog_url: str | None = None, rocketchat_version: str | None = None
) -> dict[str, Any]:
    """``rctopo mongo-url URL [--oplog URL] [--rocketchat-version V] --format json`` as a dict.
    Never raises for a bad URL: ``valid`` and ``errors`` say why."""

class _Carrying(ValueError):
    diagnostics: list[Diagnostic]
    """What the core reported."""
    path: str | None
    """The field path the error concerns, if any."""
    location: tuple[int, int] | None
    """``(line, column)`` in the file, if known."""
    file: str | None
    """The file, if the topology came from one."""

class TopologyError(_Carrying):
    """A topology that cannot be loaded, rendered or used; ``.diagnostics`` says why."""

class TopologyFileNotFoundError(FileNotFoundError, TopologyError):
    """A topology file that does not exist: a ``FileNotFoundError`` and a ``TopologyError``."""

class MongoUrlError(_Carrying):
    """A MongoDB connection string that cannot be parsed; ``.diagnostics`` says why."""

    kind: str
    """Set when ``MongoUrl.parse`` refuses: syntax, userinfo, host, database, option, ..."""
    @property
    def help(self) -> str:
        """How to fix it (set when ``MongoUrl.parse`` refuses; worked out when read)."""

class PlanError(_Carrying):
    """A rollout that cannot be planned safely; ``.diagnostics`` says why."""

class InternalError(RuntimeError):
    """A bug in rocketchat-topology (a Rust panic), caught before it reached the interpreter."""

def _panic_for_test() -> None: ...
