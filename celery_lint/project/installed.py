"""The installed apps of a settings module, and which of them live in the project."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from celery_lint.evaluate import UNKNOWN, contains, is_known, options

if TYPE_CHECKING:
    from celery_lint.project.core import Project
    from celery_lint.project.settings import Settings


def installed_apps(project: Project, settings: Settings) -> Any:
    """INSTALLED_APPS of `settings` as a list (items may be unknown), or UNKNOWN."""
    value = settings.value("INSTALLED_APPS")
    if value is UNKNOWN or settings.ns.has("INSTALLED_APPS") is not True:
        return UNKNOWN
    if all(isinstance(o, (list, tuple)) for o in options(value)):
        return value
    return UNKNOWN

def app_name(project: Project, entry: str) -> str | None:
    """The AppConfig.name of an INSTALLED_APPS entry of this project, else None."""
    if project.resolve(entry) is not None:
        return entry
    module, _, cls = entry.rpartition(".")
    return appconfig_name(project, module, cls) if module else None

def appconfig_name(project: Project, module: str, cls: str) -> str | None:
    """The literal `name = "..."` of AppConfig class `cls` in project module `module`."""
    source = project.source_of(module)
    if source is None:
        return None
    for node in source.tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "name" for t in stmt.targets)
                    and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)
                ):
                    return stmt.value.value
    return None

def project_apps(project: Project, settings: Settings) -> list[str] | Any:
    """Names of the installed apps that live in this project; UNKNOWN when not all
    entries are known."""
    apps = installed_apps(project, settings)
    if apps is UNKNOWN or not all(is_known(o) for o in options(apps)) or len(options(apps)) != 1:
        return UNKNOWN
    names = []
    for entry in apps:
        if not isinstance(entry, str):
            return UNKNOWN
        name = project.app_name(entry)
        if name is not None and name not in names:
            names.append(name)
    return names

def is_installed(project: Project, settings: Settings, app: str) -> Any:
    """Whether `app` (a module name) is in INSTALLED_APPS: True, False or UNKNOWN."""
    apps = installed_apps(project, settings)
    if apps is UNKNOWN:
        return UNKNOWN
    direct = contains(apps, app)
    if direct is True:
        return True
    answers = set()
    for option in options(apps):
        found: Any = False
        for entry in option:
            if not isinstance(entry, str):
                found = UNKNOWN
            elif entry == app or entry.startswith(app + ".apps."):
                found = True
                break
        if found is UNKNOWN:
            return UNKNOWN
        answers.add(found)
    return answers.pop() if len(answers) == 1 else UNKNOWN
