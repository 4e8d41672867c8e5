"""`--list-rules` (text or `--format json`), and the note for a selection that names
rules only `manage.py check` can report: the command would be silent on them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from celery_lint.registry import REGISTRY, Rule
from celery_lint.suppression import ALL


def rule_list(output_format: str) -> str:
    """Every rule: code, severity, name, summary, default, front ends (and in JSON its
    Django check id and docs page)."""
    if output_format == "json":
        import json  # only for this format

        from celery_lint.output import project_urls

        documentation = project_urls().get("Documentation")
        return json.dumps([_described(rule, documentation) for rule in REGISTRY], indent=2) + "\n"
    lines = []
    for rule in REGISTRY:
        off = "  (off by default)" if not rule.default_enabled else ""
        lines.append(f"{rule.code} {rule.severity} {rule.name}: {rule.summary}{off}  [{', '.join(rule.front_ends)}]\n")
    return "".join(lines)


def _described(rule: Rule, documentation: str | None) -> dict[str, Any]:
    from celery_lint.output import rule_url

    return {
        "code": rule.code,
        "severity": rule.severity,
        "name": rule.name,
        "summary": rule.summary,
        "default_enabled": rule.default_enabled,
        "front_ends": list(rule.front_ends),
        "django_check_id": rule.django_id,
        "docs": rule_url(documentation, rule) if documentation else None,
    }


def live_only_notes(selectors: Iterable[str]) -> str:
    """`celery-lint: note: ...` for each selector (a code or prefix of `--select` or
    `--extend-select`) whose rules only `manage.py check` reports."""
    notes = []
    for selector in dict.fromkeys(selectors):
        if selector == ALL:
            continue
        rules = [rule for rule in REGISTRY if rule.code.startswith(selector)]
        if rules and all(rule.live_only for rule in rules):
            codes = ", ".join(rule.code for rule in rules)
            notes.append(
                f"celery-lint: note: {selector} selects {codes}, which only `manage.py check` reports "
                "(it needs the running project): this command cannot report it\n"
            )
    return "".join(notes)
