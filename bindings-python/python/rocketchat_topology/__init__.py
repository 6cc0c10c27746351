"""Model, check, render and plan multi-instance Rocket.Chat deployments.

Thin Python face of the Rust core: every behaviour lives there, so Python, the ``rctopo`` CLI and
the Node package give the same answers.

>>> import rocketchat_topology as rct
>>> topology = rct.Topology.from_str(open("examples/howto.toml").read())  # doctest: +SKIP
>>> [d.code for d in topology.check() if d.severity == "error"]  # doctest: +SKIP
[]
"""

from ._native import (
    Diagnostic,
    InternalError,
    MongoUrlError,
    PlanError,
    RenderedFile,
    Topology,
    TopologyError,
    __version__,
)

__all__ = [
    "Diagnostic",
    "InternalError",
    "MongoUrlError",
    "PlanError",
    "RenderedFile",
    "Topology",
    "TopologyError",
    "__version__",
]
