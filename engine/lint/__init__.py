"""The knowledge-base linter: a registry of small checks with stable codes."""

from .codes import CODES
from .problem import Problem
from .runner import LintResult, lint

__all__ = ["CODES", "LintResult", "Problem", "lint"]
