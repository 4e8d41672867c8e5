"""Fix parts several rules share: renaming a setting where it is assigned.

Only the typing of the fix context comes from `celery_lint.fixing`: a rule module
imports nothing of the fix machinery at lint time.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from celery_lint.findings import Finding
from celery_lint.registry import Edits

if TYPE_CHECKING:
    from celery_lint.fixing.context import FixContext


def renaming(new_name: Callable[[str], str | None]) -> Callable[[FixContext, Finding], Edits]:
    """A fix renaming the assigned setting a finding is at (its `subject`) to
    `new_name(old)`, never to a name the settings chain already assigns (the file
    itself, or any settings module reading the file)."""

    def edits(ctx: FixContext, finding: Finding) -> Edits:
        old = finding.subject
        new = new_name(old)
        node = ctx.node_at(ast.Name, finding.line, finding.col)
        if new is None or node is None or node.id != old or not isinstance(node.ctx, ast.Store):
            return []
        if ctx.assigned(new) or not unassigned(ctx, new):
            return []
        start, end = ctx.span(node)
        return [(start, end, new)]

    return edits


def unassigned(ctx: FixContext, name: str) -> bool:
    """No settings module reading this file has `name` (or may have it: unknown)."""
    chains = [s for s in ctx.project.settings if ctx.path in s.files]
    return bool(chains) and all(s.ns.has(name) is False for s in chains)  # True and UNKNOWN: not known free
