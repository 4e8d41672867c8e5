"""The project's Django settings: which modules they are and what they bind.

Which modules they are is `settings_names`' question (or the user's); each is
evaluated with its star-import chain (`from .base import *`) by `ModuleEvaluator`.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from celery_lint import layout
from celery_lint.evaluate import Binding, ModuleEvaluator, Namespace, absolute_module
from celery_lint.project import configurations, split_settings
from celery_lint.project.configurations import ClassSettings
from celery_lint.project.modules import SourceModule, flatten

if TYPE_CHECKING:
    from celery_lint.project.core import Project


class Settings(NamedTuple):
    """A Django settings module, evaluated."""

    module: str
    path: Path
    ns: Namespace
    files: list[Path]  # the module, the files it includes or star-imports, those of its configuration classes
    configuration: ClassSettings | None = None  # django-configurations: which class was read

    def value(self, name: str) -> Any:
        return self.ns.value(name)

    def binding(self, name: str) -> Binding | None:
        return self.ns.bindings.get(name)


def namespace(project: Project, dotted: str) -> Namespace | None:
    """The evaluated module-level names of project module `dotted` (None: not ours)."""
    if dotted in project._namespaces:
        return project._namespaces[dotted]
    if dotted in project._evaluating:  # an import cycle: what it binds is unknown
        return Namespace(dotted, Path(), open=True, dynamic=True)
    found = project.resolve(dotted)
    if found is None or layout.is_namespace_package(found[1]):
        project._namespaces[dotted] = None
        return None
    source = project.source(found[1])
    if source is None:
        ns = Namespace(dotted, found[1], open=True, dynamic=True)
    else:
        _star_chain_first(project, dotted, source)
        project._evaluating.add(dotted)
        try:
            hooks = split_settings.hooks(project, source.text)
            ns = ModuleEvaluator(dotted, found[1], project.namespace, hooks).run(source.tree)
        finally:
            project._evaluating.discard(dotted)
    project._namespaces[dotted] = ns
    return ns


def _star_chain_first(project: Project, dotted: str, source: SourceModule) -> None:
    """Evaluate the modules the star-import chains below `dotted` reach, far end first,
    so that each evaluation finds the next link's names ready: in the order a recursive
    evaluation would finish them, each with the links above it counted as being evaluated
    (an import cycle through them reads as one), but without a Python frame per link,
    which made a chain of a few hundred modules exhaust the recursion limit."""
    path = [(dotted, iter(_star_targets(project, dotted, source)))]
    seen = {dotted}
    project._evaluating.add(dotted)
    try:
        while path:
            module, targets = path[-1]
            target = next(targets, None)
            if target is None:
                path.pop()
                project._evaluating.discard(module)
                if path:
                    namespace(project, module)  # its own star imports are ready
                continue
            if target in seen or target in project._namespaces or target in project._evaluating:
                continue
            seen.add(target)
            found = project.resolve(target)
            below = project.source(found[1]) if found and not layout.is_namespace_package(found[1]) else None
            if below is not None:
                path.append((target, iter(_star_targets(project, target, below))))
                project._evaluating.add(target)
    finally:
        project._evaluating.difference_update(m for m, _ in path)


def _star_targets(project: Project, dotted: str, source: SourceModule) -> list[str]:
    """The modules `dotted` star-imports at module level, in source order."""
    targets = []
    for node in source.tree.body:
        for stmt in flatten(node):
            if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
                target = absolute_module(dotted, source.path, stmt)
                if target:
                    targets.append(target)
    return targets


def read_settings(project: Project) -> list[Settings]:
    found = []
    for name in project.settings_module_names:
        path = project.resolve_file(name)
        source = project.source(path, needed=True) if path is not None else None
        ns = project.namespace(name) if source is not None else None
        if path is None or source is None or ns is None:
            continue
        files = [path] + [p for p in star_chain(project, name) if p != path]
        read = configurations.class_settings(project, ns) if configurations.may_apply(project, source.text) else []
        for conf, conf_ns in read:
            classes = [c.path for c in conf.classes if c.path not in files]
            found.append(Settings(name, path, conf_ns, files + list(dict.fromkeys(classes)), conf))
        if not read:
            found.append(Settings(name, path, ns, files))
    return found


def star_chain(project: Project, dotted: str) -> list[Path]:
    """The file of `dotted`, the files it runs in its globals (split-settings
    `include()`), and those of every module they star-import, depth first (a loop:
    chains may be thousands of modules deep)."""
    chain: list[Path] = []
    seen: set[str] = set()
    stack = [iter([dotted])]
    while stack:
        module = next(stack[-1], None)
        if module is None:
            stack.pop()
            continue
        if module in seen:
            continue
        seen.add(module)
        path = project.resolve_file(module)
        source = project.source(path) if path else None
        if source is None:
            continue
        ns = project.namespace(module) if "include" in source.text else None
        ran = ns.ran if ns is not None else []
        chain += [source.path, *ran]
        targets = []
        for tree in [source.tree] + [s.tree for p in ran if (s := project.source(p)) is not None]:
            for node in tree.body:
                for stmt in flatten(node):
                    if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
                        target = absolute_module(module, source.path, stmt)  # relative to the module, in its files too
                        if target:
                            targets.append(target)
        stack.append(iter(targets))
    return list(dict.fromkeys(chain))


def is_settings_module(project: Project, dotted: str) -> bool:
    """Whether `dotted` is one of the project's Django settings modules (or a module they star-import)."""
    if dotted in project.settings_module_names:
        return True
    path = project.resolve_file(dotted)
    return path is not None and path in project.settings_files
