"""mailkb: a troubleshooting knowledge base and diagnosis engine for iCloud Mail account errors.

The public API is what `__all__` lists; every other module is internal and may change between versions.

    >>> import mailkb
    >>> result = mailkb.diagnose({"symptoms": ["cannot_get_mail"], "webmail_works": True})
    >>> result.to_dict()["causes"][0]["id"]  # doctest: +SKIP

Names are imported on first use, so `import mailkb` stays cheap (no durable-rules, YAML or jsonschema).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "diagnose": ".diagnosis",
    "Diagnosis": ".diagnosis",
    "load_kb": ".loader",
    "KnowledgeBase": ".kb",
    "MailkbError": ".errors",
    "QueryError": ".errors",
    "KnowledgeBaseError": ".errors",
    "PlanError": ".errors",
    "BackendError": ".errors",
    "RuleCompileError": ".errors",
    "BuildError": ".errors",
    "UsageError": ".errors",
}
__all__ = [  # the stable API (a test keeps it equal to _EXPORTS and to the README)
    "BackendError",
    "BuildError",
    "Diagnosis",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "MailkbError",
    "PlanError",
    "QueryError",
    "RuleCompileError",
    "UsageError",
    "__version__",
    "diagnose",
    "load_kb",
]

if TYPE_CHECKING:
    from .diagnosis import Diagnosis, diagnose
    from .errors import (
        BackendError,
        BuildError,
        KnowledgeBaseError,
        MailkbError,
        PlanError,
        QueryError,
        RuleCompileError,
        UsageError,
    )
    from .kb import KnowledgeBase
    from .loader import load_kb


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mailkb' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
