"""mailkb's errors: one base class carrying its exit code, so only the CLI edge turns errors into exits.

A leaf module: it imports nothing from mailkb, so every other module can raise these without import circles.
"""

from __future__ import annotations

from typing import Any

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


class MailkbError(Exception):
    """Any error mailkb reports to a person or a tool: one line, and the exit code the CLI uses for it."""

    exit_code = EXIT_USAGE


class UsageError(MailkbError):
    """Bad arguments or input on the command line."""


class QueryError(MailkbError):
    """A query the engine cannot take: names the field and what is allowed."""

    def __init__(self, message: str, field: str | None = None, allowed: str | None = None):
        super().__init__(message)
        self.field = field
        self.allowed = allowed


class PlanError(MailkbError):
    """An unknown plan order."""


class BackendError(MailkbError):
    """An inference backend cannot be used (not installed, or it failed on a query)."""


class RuleCompileError(MailkbError):
    """A rule durable-rules cannot run correctly; the message starts with file:line."""


class BuildError(MailkbError):
    """The site cannot be built (bad knowledge base, missing templates, unwritable output)."""


class KnowledgeBaseError(MailkbError):
    """The knowledge base cannot be used; `problems` lists the lint findings that say why."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, message: str, problems: list | None = None, result: Any = None):
        super().__init__(message)
        self.problems = problems or []
        self.result = result  # the LintResult, when linting found the errors (its kb holds the valid entries)
