"""`--show-settings`: what the linter resolved for each project of the paths, read
from the project model (nothing recomputed here): the first thing to look at when a
finding is missing. Text for people, `--format json` for tools; nothing is linted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from celery_lint.config import Config
from celery_lint.engine import Setup, projects_of
from celery_lint.evaluate import UNKNOWN
from celery_lint.output import relative
from celery_lint.project import Project
from celery_lint.project.facts import is_django_project
from celery_lint.versions import format_version

#: the fields of `Config` that are not values of the table
_NOT_VALUES = ("path", "base")


def show_settings(
    paths: list[Path], of_directory: Callable[[Path], tuple[Config, Setup]], output_format: str, cwd: Path
) -> str:
    """The projects of `paths` (as the lint would find them), each with the table and
    setup `of_directory` gives its files; JSON or text."""
    projects = projects_of([str(p) for p in paths], setup_of=lambda directory: of_directory(directory)[1])
    shown = [resolved(p, *of_directory(p.scope or p.root), cwd) for p in sorted(projects, key=lambda p: str(p.root))]
    return json.dumps({"projects": shown}, indent=2) + "\n" if output_format == "json" else as_text(shown)


def resolved(project: Project, config: Config, setup: Setup, cwd: Path) -> dict[str, Any]:
    """One project's answers, as plain data (the JSON form)."""
    version = project.celery_version
    analysed = [s.module for s in project.settings]
    return {
        "root": _shown(project.root, cwd),
        "scope": _shown(project.scope, cwd) if project.scope is not None else None,
        "django_project": is_django_project(project),
        "import_roots": [_shown(root, cwd) for root in project.import_roots],
        "settings": {
            "modules": list(project.settings_module_names),
            "from": "--settings or the table's settings" if project.configured_settings else "the project's start-up and deployment files",
            "analysed": analysed,
            "not_analysed": [n for n in project.settings_module_names if n not in analysed],
            "files": [_shown(path, cwd) for s in project.settings for path in s.files],
        },
        "celery_apps": [
            {
                "app": app.label,
                "path": _shown(app.source.path, cwd),
                "line": app.node.lineno,
                "from_django_settings": app.from_django,
                "namespace": _namespace(app.namespace),
            }
            for app in project.celery_apps
        ],
        "namespace": _namespace(project.namespace_value),
        "namespace_from": "configuration" if project.options.namespace is not None else "the Celery app",
        "celery_version": format_version(version.version) if version else None,
        "celery_version_source": version.source if version else None,
        "configuration_file": _shown(config.path, cwd) if config.path is not None else None,
        "configuration": {
            key.replace("_", "-"): _plain(value)
            for key, value in config._asdict().items()
            if key not in _NOT_VALUES and value != Config._field_defaults[key]
        },
        "rules": [rule.code for rule in setup.reporting.rules],
        "files": [_shown(path, cwd) for path in project.files],
    }


def as_text(projects: list[dict[str, Any]]) -> str:
    """The resolved answers, one block per project."""
    blocks = []
    for p in projects:
        settings = p["settings"]
        modules = ", ".join(settings["modules"]) or "not determined"
        lines = [
            f"Project {p['root']}" + (f" (package tree {p['scope']})" if p["scope"] else "")
            + ("" if p["django_project"] else ": no Django project"),
            f"  import roots: {', '.join(p['import_roots']) or 'none'}",
            f"  settings modules: {modules} (from {settings['from']})",
        ]
        if settings["not_analysed"]:
            lines.append(f"    not analysed: {', '.join(settings['not_analysed'])}")
        lines += [f"    file: {path}" for path in settings["files"]]
        if not p["celery_apps"]:
            lines.append("  Celery app: none found")
        for app in p["celery_apps"]:
            django = f"reads Django settings, namespace {_quoted(app['namespace'])}" if app["from_django_settings"] else "not configured from Django settings"
            lines.append(f"  Celery app: {app['app']} ({app['path']}:{app['line']}; {django})")
        lines.append(f"  namespace: {_quoted(p['namespace'])} (from {p['namespace_from']})")
        version = p["celery_version"]
        lines.append(f"  Celery version: {version} (from {p['celery_version_source']})" if version else "  Celery version: unknown")
        lines.append(f"  configuration file: {p['configuration_file'] or 'none'}")
        lines += [f"    {key} = {json.dumps(value)}" for key, value in p["configuration"].items()]
        lines.append(f"  rules: {', '.join(p['rules']) or 'none'}")
        lines.append(f"  files analysed ({len(p['files'])}):")
        lines += [f"    {path}" for path in p["files"]]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks) if blocks else "No project under the paths given.\n"


def _shown(path: Path, cwd: Path) -> str:
    return "." if path == cwd else relative(path, cwd)


def _namespace(value: Any) -> str | None:
    """A namespace as data: the string, "" for none, "unknown" when not determined."""
    if value is UNKNOWN:
        return "unknown"
    return value or ""


def _quoted(value: str | None) -> str:
    return "unknown" if value == "unknown" else repr(value or "") + ("" if value else " (none)")


def _plain(value: Any) -> Any:
    """A table value as JSON has it: tuples and sets as lists, pairs as a mapping."""
    if isinstance(value, (frozenset, set)):
        return sorted(value)
    if isinstance(value, tuple) and value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, tuple):
        return list(value)
    return value
