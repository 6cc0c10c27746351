"""Model, check, render and plan multi-instance Rocket.Chat deployments.

Thin Python face of the Rust core: every behaviour lives there, so Python, the ``rctopo`` CLI and
the Node package give the same answers.

>>> import rocketchat_topology as rct
>>> topology = rct.Topology.from_str(open("examples/howto.toml").read())  # doctest: +SKIP
>>> [d.code for d in topology.check() if d.severity == "error"]  # doctest: +SKIP
[]
"""

from typing import TYPE_CHECKING

from ._native import (
    Diagnostic,
    InternalError,
    MongoUrl,
    MongoUrlError,
    Plan,
    PlanError,
    RenderedFile,
    Topology,
    TopologyError,
    TopologyFileNotFoundError,
    __version__,
    check_mongo_urls,
    plan,
)

if TYPE_CHECKING:
    # Shapes of the plain-data results; they exist for type checkers only.
    from ._native import (
        DiagnosticDict as DiagnosticDict,
        EnvVar as EnvVar,
        Format as Format,
        HealthPolicy as HealthPolicy,
        HostLayout as HostLayout,
        Instance as Instance,
        Layout as Layout,
        LocationDict as LocationDict,
        Order as Order,
        PlanStep as PlanStep,
        ProbeMember as ProbeMember,
        ProbeReport as ProbeReport,
        Report as Report,
        Severity as Severity,
        ShellScript as ShellScript,
        Target as Target,
        UrlHost as UrlHost,
    )

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
