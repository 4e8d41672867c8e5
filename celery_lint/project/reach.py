"""Start-up reach: the project modules a Django process has imported once `django.setup()` returns.

What `django.setup()` imports (`django/apps/registry.py: Apps.populate`,
`django/apps/config.py: AppConfig.create, import_models`): the settings module; for
each INSTALLED_APPS entry naming a package, the package and its `apps` submodule when
there is one (the AppConfig auto-detection of Django 3.2+); for an entry naming an
AppConfig class (`proj.apps.ProjConfig`), the module holding the class; then the
module of each AppConfig's `name`, and its `models` submodule (a module or a package).
Then each AppConfig's `ready()` runs: imports in its body count, not those in other
methods or functions. `django.contrib.admin`'s `AdminConfig.ready()` (also of a
project subclass) runs `autodiscover()`, importing every installed app's `admin`
module (`django/contrib/admin/apps.py`). `manage.py`, `wsgi.py` and `asgi.py` are
what the web process starts from.

From those roots the walk follows module-level imports (also in `if`/`try`/`with`
blocks), transitively, each module read once: importing `a.b.c` runs `a/__init__`
and `a/b/__init__`, and `from x import y` loads `x` and the submodule `x.y` if there
is one. It reuses the worker's walker (`discovery.ImportWalker`) for the package chains,
star imports and dynamic imports. A module that cannot be parsed, a dynamic import
of an unknown name or an INSTALLED_APPS that cannot be resolved make the reach
unknown. Imports inside functions of reached modules are not followed; they are
kept (`deferred`), since such a function may still be called at start-up.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from celery_lint.discovery import ImportWalker, app_modules, installed_entries, may_import_dynamically
from celery_lint.evaluate import UNKNOWN
from celery_lint.project.core import Project
from celery_lint.project.modules import SourceModule, flatten, modules_loaded

# The entries that install AdminConfig, whose ready() runs admin autodiscovery
# (`django.contrib.admin` picks AdminConfig, its `default = True` class).
ADMIN_ENTRIES = frozenset({"django.contrib.admin", "django.contrib.admin.apps.AdminConfig"})
ADMIN_CONFIG = "django.contrib.admin.apps.AdminConfig"
# the files the web process starts from: `manage.py runserver`, the WSGI/ASGI servers
ENTRY_FILES = frozenset({"manage.py", "wsgi.py", "asgi.py"})
_CALLING = (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign)


class StartupReach:
    """The project files imported at start-up (file -> the file that imported it), the
    modules imported inside functions of those files, or why the reach is unknown."""

    def __init__(self, reached: dict[Path, Path | None], deferred: set[str], unknown: str | None) -> None:
        self.reached = reached
        self.deferred = deferred
        self.unknown = unknown


class _StartupWalker(ImportWalker):
    """The worker's walker, following module-level imports only (and `ready()` bodies)."""

    def __init__(self, project: Project, app_names: list[str]) -> None:
        super().__init__(project, app_names)
        self.deferred: set[str] = set()

    def scan(self, name: str, path: Path) -> None:
        source = self.project.source(path)
        if source is None:
            self.unknown = f"{path} cannot be parsed"
            return
        self.follow(name, path, source, source.tree.body, keep_deferred=True)

    def follow(self, name: str, path: Path, source: SourceModule, body: list[ast.stmt], keep_deferred: bool) -> None:
        """Import what the statements `body` of `source` (reached as `name`) import when run."""
        positions: set[tuple[int, int]] = set()
        calls: list[ast.Call] = []
        dynamic = may_import_dynamically(source.text)
        for top in body:
            for stmt in flatten(top):
                if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    positions.add((stmt.lineno, stmt.col_offset))
                elif dynamic and isinstance(stmt, _CALLING):
                    calls += [n for n in ast.walk(stmt) if isinstance(n, ast.Call)]
        for imported in source.imports:
            loaded = list(modules_loaded(name, path, imported))
            if (imported.lineno, imported.col_offset) not in positions:
                if keep_deferred:
                    self.deferred.update(loaded)
                continue
            for module in loaded:
                self.add(module, path)
            if loaded and imported.is_from and ("*", None) in imported.names:
                self.star_import(loaded[0], path)
        for call in calls:
            self.dynamic_import(source, path, call)


def _ready_bodies(source: SourceModule, cls: str | None) -> list[list[ast.stmt]]:
    """The bodies of `ready()` of class `cls` in `source` (of every class when None)."""
    bodies = []
    for node in source.tree.body:
        if isinstance(node, ast.ClassDef) and (cls is None or node.name == cls):
            bodies += [s.body for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "ready"]
    return bodies


def _is_admin_config(source: SourceModule | None, cls: str | None) -> bool:
    """Whether `source` defines an AdminConfig subclass (named `cls`, any when None)."""
    if source is None or "AdminConfig" not in source.text:
        return False
    classes = [n for n in source.tree.body if isinstance(n, ast.ClassDef) and (cls is None or n.name == cls)]
    return any(source.qualname(base) == ADMIN_CONFIG for node in classes for base in node.bases)


@lru_cache(maxsize=64)
def startup_reach(project: Project) -> StartupReach:
    """What a Django process of `project` has imported after `django.setup()`; once per project."""
    configs: list[tuple[str, str | None]] = []  # (module, AppConfig class or None: any class there)
    names: list[str] = []
    roots: list[str] = []
    admin = False
    for settings in project.settings:
        roots.append(settings.module)
        entries = installed_entries(project, settings)
        if entries is UNKNOWN:
            return StartupReach({}, set(), f"INSTALLED_APPS of {settings.module} cannot be resolved")
        for entry in entries:
            admin = admin or entry in ADMIN_ENTRIES
            module, _, cls = entry.rpartition(".")
            is_package = project.resolve(entry) is not None
            config = (f"{entry}.apps", None) if is_package else (module, cls)
            if not is_package and module and _is_admin_config(project.source_of(module), cls):
                roots.append(module)  # its name is django.contrib.admin's, inherited
                configs.append(config)
                admin = True
                continue
            app = app_modules(project, entry, admin=False)
            if app is UNKNOWN:
                return StartupReach({}, set(), f"INSTALLED_APPS entry {entry!r} cannot be resolved")
            modules, name = app
            roots += modules
            if name is not None:
                names.append(name)
                configs.append(config)
                admin = admin or _is_admin_config(project.source_of(config[0]), config[1])
    walker = _StartupWalker(project, names)
    for name in roots + ([f"{n}.admin" for n in names] if admin else []):
        walker.add(name, None)
    for path in project.files:
        module_name = project.module_name(path) if path.name in ENTRY_FILES else None
        if module_name is not None:
            walker.add(module_name, None)
    for module, cls in configs:
        source = project.source_of(module)
        if source is not None:
            for body in _ready_bodies(source, cls):
                walker.follow(module, source.path, source, body, keep_deferred=False)
    walker.run()
    return StartupReach(walker.reached, walker.deferred, walker.unknown)
