"""What a Celery worker of the project imports, and which task names the project has.

A worker registers a task only if it imports the module that defines it. Celery
and Django import, at worker start: the app module (and the packages above it),
the settings, for every installed app its package, `apps`, `models` and `admin`
modules (`django.setup()`), `<AppConfig.name>.tasks` with argument-less
`autodiscover_tasks()` (`celery/fixups/django.py`), the packages given to
`autodiscover_tasks(packages, related_name)`, and `imports` / `include`
(`celery/loaders/base.py: default_modules`); then everything those modules import.

On top of that, Django's system checks (run at worker start unless
`celery --skip-checks`) import the URLconf and every `templatetags` module:
modules reached only that way are registered by accident, not by design.

Every answer is over-approximated (an import inside a function counts) and is
UNKNOWN when some part cannot be read: an INSTALLED_APPS entry from the
environment, a dynamic import, a custom loader. Both models are built once per
project (`worker_reach`, `task_names`).
"""

from __future__ import annotations

import ast
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint import celery_tables, layout
from celery_lint.evaluate import UNKNOWN, ModuleEvaluator, Namespace, options
from celery_lint.project import (
    DJANGO_CONFIG_STRING, DJANGO_SETTINGS_OBJECT, TASK_WORD, Project, Settings, SourceModule, modules_loaded,
)
from celery_lint.tasks import app_qualnames, canonical, decorator_kind, task_defs

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_IMPORT_MODULE = frozenset({"importlib.import_module", "importlib.__import__", "builtins.__import__"})
# take "module.attr" or "module:attr" and import the module
_IMPORT_SYMBOL = frozenset(
    {
        "django.utils.module_loading.import_string",
        "celery.utils.imports.symbol_by_name",
        "celery.utils.imports.instantiate",
        "kombu.utils.imports.symbol_by_name",
        "kombu.utils.symbol_by_name",
    }
)
_AUTODISCOVER_MODULES = "django.utils.module_loading.autodiscover_modules"
# imports whose target the analysis cannot see
_OPAQUE_IMPORTS = frozenset(
    {
        "builtins.exec",
        "builtins.eval",
        "importlib.util.spec_from_file_location",
        "importlib.util.module_from_spec",
        "importlib.machinery.SourceFileLoader",
        "runpy.run_module",
        "runpy.run_path",
        "imp.load_source",
        "imp.load_module",
        "pkgutil.walk_packages",
        "celery.utils.imports.import_from_cwd",
    }
)
_BUILTINS = frozenset({"__import__", "exec", "eval"})
_DEFAULT_LOADERS = frozenset({"celery.loaders.app:AppLoader", "celery.loaders.default:Loader", "app", "default"})
# Celery subclass members that change what a worker imports
_CUSTOM_LOADING = frozenset(
    {"__init__", "loader_cls", "autodiscover_tasks", "_autodiscover_tasks", "on_configure", "on_init"}
)
# A call reaches one of those names only through a name or attribute spelled in the text:
# files without any of these words make no such call.
_IMPORTING_WORDS = frozenset(
    q.rpartition(".")[2] for q in _IMPORT_MODULE | _IMPORT_SYMBOL | _OPAQUE_IMPORTS | {_AUTODISCOVER_MODULES}
) | _BUILTINS
# The start of a string literal naming a dotted module: its first name, right after the quote
# (also the first piece of an implicit concatenation).
_QUOTED_TOP = re.compile(r"""["']([A-Za-z_]\w*)\.[A-Za-z_]""")
_TEST_DIRS = frozenset({"tests", "test", "testing"})
# `celery ... -A proj.worker ... -I a,b`: the app module and the modules a worker is told to import
_CLI_LINE = r"\bcelery\b.*"  # compiled on first use: few projects have such files
_CLI_MODULES = r"\s(?:-I|--include|-A|--app)(?:=|\s+)['\"]?([\w.,:]+)"
_CLI_FILES = re.compile(r"(?:Procfile.*|Dockerfile.*|Makefile|.*\.(?:ya?ml|sh|ini|conf|cfg|toml|service|env))$")


def may_import_dynamically(text: str) -> bool:
    """Whether a module's text spells a call that imports by name (files without any of
    `_IMPORTING_WORDS` make none)."""
    return any(word in text for word in _IMPORTING_WORDS)


def is_test_module(project: Project, path: Path) -> bool:
    """Test code defines tasks for test workers and eager runs, never for the project's worker."""
    prefix = os.path.join(str(project.root), "")  # strings: `Path.relative_to` is slow
    text = str(path)
    parts = text[len(prefix):].split(os.sep) if text.startswith(prefix) else [path.name]
    name = parts[-1]
    if name in ("tests.py", "conftest.py") or name.startswith("test_") or name.endswith(("_test.py", "_tests.py")):
        return True
    return any(part in _TEST_DIRS for part in parts[:-1])


# -- values -------------------------------------------------------------------------------------


def module_list(value: Any) -> list[str] | Any:
    """`imports` / `include` as Celery reads them (`maybe_list`): module names, or UNKNOWN."""
    found: list[str] = []
    for option in options(value):
        if option is None:
            continue
        items = [option] if isinstance(option, str) else option
        if not isinstance(items, (list, tuple, set, frozenset)) or not all(isinstance(i, str) for i in items):
            return UNKNOWN
        found += [i for i in items if i not in found]
    return found


def evaluate(project: Project, source: SourceModule, node: ast.expr) -> Any:
    """The static value of `node` in the module-level namespace of `source`."""
    if source.module is None:
        return UNKNOWN
    ns = project.namespace(source.module) or Namespace(source.module, source.path)
    return ModuleEvaluator(source.module, source.path, project.namespace).expr(node, ns)


def const_str(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def call_qualname(source: SourceModule, call: ast.Call) -> str | None:
    """The qualified name of the called function; builtins as `builtins.<name>`."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in _BUILTINS and func.id not in source.aliases:
        return f"builtins.{func.id}"
    return source.qualname(func)


def is_conf(node: ast.expr) -> bool:
    """`<something>.conf`: an app's configuration."""
    return isinstance(node, ast.Attribute) and node.attr == "conf"


# -- the worker's reach -------------------------------------------------------------------------


class Reach:
    """The project files a worker imports: by design, and also through Django's checks.

    Walked lazily: a file a root names (an app's tasks module) is designed without
    even adding the roots to the walk; any other question adds them and walks the
    designed reach only until that file turns up. Proving that a file is not
    designed, or reached only through the checks, takes the whole walk, once, on the
    first such question."""

    def __init__(
        self,
        walker: ImportWalker | None = None,
        checks: tuple[list[str], str | None] = ([], None),  # the checks' roots, why they cannot be known
        app_names: tuple[str, ...] = (),  # AppConfig.name of the installed project apps
        unknown: str | None = None,  # why the designed reach cannot be known
        roots: tuple[list[str], list[str]] = ([], []),  # (designed modules, "module.attr" strings) to add
    ) -> None:
        self._walker = walker
        self._checks_roots, self.checks_unknown = checks
        self.app_names = app_names
        self.unknown = unknown
        self._designed: dict[Path, Path | None] | None = None  # file -> importer, once complete
        self._roots: tuple[list[str], list[str]] | None = roots
        self._root_names = frozenset(roots[0])

    def status(self, path: Path) -> str | None:
        """"designed", "checks" (registered only because Django's checks import it), "never",
        or None when the analysis cannot tell."""
        walker = self._walker
        if self.unknown is not None or walker is None:
            return None
        if self._roots is not None:
            name = walker.project.module_name(path)
            if name in self._root_names and walker.resolve(name) == path:
                return "designed"  # a root itself
            designed, symbols = self._roots
            self._roots = None
            for name in designed:
                walker.add(name, None)
            for text in symbols:
                walker.add_symbol(text, None)
        if self._designed is None:
            while path not in walker.reached and walker.queue and walker.unknown is None:
                walker.step()
            if path in walker.reached:
                return "designed"
            if walker.unknown is not None:
                self.unknown = walker.unknown
                return None
            self._designed = dict(walker.reached)
            for name in self._checks_roots:
                walker.add(name, None)
            walker.run()
            self.checks_unknown = self.checks_unknown or walker.unknown
        if path in self._designed:
            return "designed"
        if self.checks_unknown is not None:
            return None
        return "checks" if path in walker.reached else "never"

    def chain(self, path: Path) -> list[str]:
        """Dotted names from a root of the reach to `path` (the import chain), once
        `status` has walked it."""
        found: list[str] = []
        current: Path | None = path
        walker = self._walker
        while walker is not None and current is not None and len(found) < 20:
            name = walker.names.get(current)
            if name is not None and name not in found:
                found.append(name)
            current = walker.reached.get(current)
        return found[::-1]


class ImportWalker:
    """Breadth-first walk over the imports of project modules (the worker's; the
    start-up reach, `project.reach`, scans each module its own way: `scan`)."""

    def __init__(self, project: Project, app_names: list[str]) -> None:
        self.project = project
        self.app_names = app_names
        self.reached: dict[Path, Path | None] = {}
        self.names: dict[Path, str] = {}
        self.queue: deque[tuple[str, Path]] = deque()
        self.unknown: str | None = None
        self._files: dict[str, Path | None] = {}

    def resolve(self, dotted: str) -> Path | None:
        if dotted not in self._files:
            found = self.project.resolve(dotted)
            self._files[dotted] = found[1] if found is not None else None
        return self._files[dotted]

    def add(self, dotted: str, importer: Path | None) -> None:
        """Import `dotted` (and so every package above it)."""
        parts = dotted.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            path = self.resolve(name)
            if path is None:
                return  # not a project module: a library, or an import that fails
            if path not in self.reached:
                self.reached[path] = importer
                self.names[path] = name
                if not layout.is_namespace_package(path):
                    self.queue.append((name, path))

    def add_symbol(self, text: str, importer: Path | None) -> None:
        """A "module.attr" / "module:attr" / "module" string: the module it imports."""
        module = text.partition(":")[0]
        if self.resolve(module) is not None:
            self.add(module, importer)
        elif "." in module:
            self.add(module.rpartition(".")[0], importer)

    def run(self) -> None:
        while self.queue and self.unknown is None:
            self.step()

    def step(self) -> None:
        name, path = self.queue.popleft()
        self.scan(name, path)

    def scan(self, name: str, path: Path) -> None:
        source = self.project.source(path)
        if source is None:
            self.unknown = f"{path} cannot be parsed"
            return
        for imported in source.imports:
            loaded = list(modules_loaded(name, path, imported))  # relative to the name reached under
            for module in loaded:
                self.add(module, path)
            if loaded and imported.is_from and ("*", None) in imported.names:
                self.star_import(loaded[0], path)  # the `from` module, first
        if may_import_dynamically(source.text):
            for call in source.nodes(ast.Call):
                self.dynamic_import(source, path, call)
                if self.unknown is not None:
                    return
        if path in self.project.settings_files:
            return  # settings strings are read from their values (ROOT_URLCONF apart)
        if not any(self.resolve(top) for top in set(_QUOTED_TOP.findall(source.text))):
            return  # no string can name a project module: spare the walk over every node
        skip = task_name_constants(source)
        for const in source.nodes(ast.Constant):
            text = const.value
            if isinstance(text, str) and id(const) not in skip and _DOTTED.fullmatch(text):
                found = self.resolve(text)
                if found is not None and not layout.is_namespace_package(found):
                    self.add(text, path)  # include("app.urls") and the like

    def star_import(self, package: str, importer: Path) -> None:
        """`from package import *` also imports the submodules its `__all__` names."""
        found = self.project.resolve(package)
        if found is None or found[1].name != "__init__.py":
            return
        ns = self.project.namespace(package)
        if ns is None or ns.has("__all__") is False:
            return
        names = module_list(ns.value("__all__"))
        if names is UNKNOWN:
            self.unknown = f"__all__ of {package} cannot be read"
            return
        for item in names:
            if self.resolve(f"{package}.{item}") is not None:
                self.add(f"{package}.{item}", importer)

    def dynamic_import(self, source: SourceModule, path: Path, call: ast.Call) -> None:
        """What a call that imports by name (`import_module`, `symbol_by_name`...) imports."""
        qualname = call_qualname(source, call)
        if qualname is None:
            return
        first = call.args[0] if call.args else None
        if qualname in _IMPORT_MODULE:
            target = const_str(first)
            if target is None or target.startswith("."):
                self.unknown = f"dynamic import in {path}:{call.lineno}"
                return
            self.add(target, path)
            for keyword in call.keywords:
                if keyword.arg == "fromlist" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    for elt in keyword.value.elts:
                        if const_str(elt):
                            self.add(f"{target}.{const_str(elt)}", path)
        elif qualname in _IMPORT_SYMBOL:
            target = const_str(first)
            if target is None:
                self.unknown = f"dynamic import in {path}:{call.lineno}"
                return
            self.add_symbol(target, path)
        elif qualname == _AUTODISCOVER_MODULES:
            if call.keywords or not all(const_str(a) for a in call.args):
                self.unknown = f"autodiscover_modules() with unknown names in {path}:{call.lineno}"
                return
            for arg in call.args:
                for app in self.app_names:
                    self.add(f"{app}.{const_str(arg)}", path)
        elif qualname in _OPAQUE_IMPORTS:
            self.unknown = f"{qualname}() in {path}:{call.lineno}"


def task_name_constants(source: SourceModule) -> set[int]:
    """ids of string constants that name tasks (send_task, signature, beat 'task' values):
    naming a task imports nothing."""
    found: set[int] = set()
    for node in source.nodes(ast.Dict):
        for key, value in zip(node.keys, node.values):
            if const_str(key) == "task" and value is not None:
                found.add(id(value))
    for call in source.nodes(ast.Call):
        if isinstance(call.func, ast.Attribute) and call.func.attr in ("send_task", "signature") and call.args:
            found.add(id(call.args[0]))
        elif isinstance(call.func, (ast.Name, ast.Attribute)) and call.args:
            if (source.qualname(call.func) or "").rpartition(".")[2] in ("signature", "Signature", "subtask"):
                found.add(id(call.args[0]))
    return found


class _Roots:
    """The modules a worker imports before following imports, or why they cannot be known."""

    def __init__(self) -> None:
        self.designed: list[str] = []
        self.symbols: list[str] = []  # "module.attr" strings from the settings
        self.checks: list[str] = []
        self.app_names: list[str] = []
        self.unknown: str | None = None
        self.checks_unknown: str | None = None

    def fail(self, reason: str) -> None:
        if self.unknown is None:
            self.unknown = reason


@lru_cache(maxsize=64)
def worker_reach(project: Project) -> Reach:
    """The files a worker of `project` imports; computed once per project."""
    roots = _roots(project)
    if roots.unknown is not None:
        return Reach(unknown=roots.unknown)
    walker = ImportWalker(project, roots.app_names)
    checks = (roots.checks, roots.checks_unknown)
    return Reach(walker, checks, tuple(roots.app_names), roots=(roots.designed, roots.symbols))


def _roots(project: Project) -> _Roots:
    roots = _Roots()
    if not project.django_apps:
        roots.fail("no Celery app configured from Django settings")
        return roots
    if not project.settings:
        roots.fail("no settings module found")
        return roots
    for settings in project.settings:
        _settings_roots(project, settings, roots)
    for app in project.celery_apps:
        if app.source.module is None:
            roots.fail(f"the app module {app.source.path} has no importable name")
        else:
            roots.designed.append(app.source.module)
        if app.call is None:
            roots.fail(f"the app {app.label} is not built by a Celery() call the analysis reads")
        else:
            _constructor_roots(project, app.source, app.call, roots)
    _custom_celery_classes(project, roots)
    _autodiscover_roots(project, roots)
    _config_roots(project, roots)
    _conf_write_roots(project, roots)
    roots.designed += cli_includes(project.root)
    return roots


def _settings_roots(project: Project, settings: Settings, roots: _Roots) -> None:
    roots.designed.append(settings.module)
    entries = installed_entries(project, settings)
    if entries is UNKNOWN:
        roots.fail(f"INSTALLED_APPS of {settings.module} cannot be resolved")
        return
    for entry in entries:
        app = app_modules(project, entry)
        if app is UNKNOWN:
            roots.fail(f"INSTALLED_APPS entry {entry!r} cannot be resolved")
            return
        modules, name = app
        roots.designed += modules
        if name is not None:
            if name not in roots.app_names:
                roots.app_names.append(name)
            roots.checks += templatetags_modules(project, name)
    for key in ("imports", "include"):
        for setting in _setting_names(project, settings, key):
            has = settings.ns.has(setting)
            if has is UNKNOWN:
                roots.fail(f"{setting} may be set in ways the analysis cannot follow")
            elif has:
                modules = module_list(settings.value(setting))
                if modules is UNKNOWN:
                    roots.fail(f"{setting} cannot be resolved")
                else:
                    roots.designed += modules
    for name, binding in settings.ns.bindings.items():
        if name == "ROOT_URLCONF" or name.startswith("CELERY"):
            continue
        roots.symbols += [s for s in _strings(binding.value) if _DOTTED.fullmatch(s.replace(":", "."))]
    urlconf = settings.ns.has("ROOT_URLCONF")
    value = settings.value("ROOT_URLCONF") if urlconf is True else None
    if urlconf is UNKNOWN or (urlconf is True and not isinstance(value, str)):
        roots.checks_unknown = f"ROOT_URLCONF of {settings.module} cannot be resolved"
    elif isinstance(value, str):
        roots.checks.append(value)


def _strings(value: Any) -> Iterator[str]:
    """Strings inside a settings value, except dictionary keys and beat 'task' names."""
    for option in options(value):
        if isinstance(option, str):
            yield option
        elif isinstance(option, (list, tuple, set, frozenset)):
            for item in option:
                yield from _strings(item)
        elif isinstance(option, dict):
            for key, item in option.items():
                if key != "task":
                    yield from _strings(item)


def _setting_names(project: Project, settings: Settings, key: str) -> set[str]:
    """Settings names Celery may read `key` from, for the project's namespace."""
    old = celery_tables.defaults._TO_OLD_KEY.get(key, f"CELERY_{key.upper()}")
    names = {old, celery_tables.prefixed(key)}
    namespace = project.namespace_value
    if isinstance(namespace, str):
        names.add(f"{namespace}_{key.upper()}")
    elif namespace is UNKNOWN:
        names.update(n for n in settings.ns.bindings if n.endswith(f"_{key.upper()}"))
    return names


def installed_entries(project: Project, settings: Settings) -> list[str] | Any:
    """Every INSTALLED_APPS entry over all branches of the settings, or UNKNOWN."""
    value = project.installed_apps(settings)
    if value is UNKNOWN:
        return UNKNOWN
    entries: list[str] = []
    for option in options(value):
        if not isinstance(option, (list, tuple)) or not all(isinstance(e, str) for e in option):
            return UNKNOWN
        entries += [e for e in option if e not in entries]
    return entries


def app_modules(project: Project, entry: str, admin: bool = True) -> tuple[list[str], str | None] | Any:
    """(modules django.setup() imports for an INSTALLED_APPS entry, its AppConfig.name when
    the app is part of the project), or UNKNOWN. `admin`: with the `admin` module, which
    admin autodiscovery imports (a worker's reach counts it whether or not admin runs)."""
    if project.resolve(entry) is not None:
        return [entry, f"{entry}.apps", f"{entry}.models", *([f"{entry}.admin"] if admin else [])], entry
    module, _, cls = entry.rpartition(".")
    if module and project.resolve(module) is not None:
        name = project.appconfig_name(module, cls)
        if name is None:
            return UNKNOWN
        return [module, name, f"{name}.models", *([f"{name}.admin"] if admin else [])], name
    names = _project_module_lines(project)
    if f"\n{entry}\n" in names or f".{entry}\n" in names:
        return UNKNOWN  # a project package under an import root the analysis did not see
    return [], None


@lru_cache(maxsize=64)
def _project_module_names(project: Project) -> frozenset[str]:
    """Dotted names of the project's modules and packages, from every import root inside it."""
    names: set[str] = set()
    for root in project.own_import_roots:
        own = root == project.module_root  # the names the project already knows
        for path in project.files:
            name = project.module_name(path) if own else layout.module_name(root, path)
            while name and name not in names:  # the module and its packages, up to one already seen
                names.add(name)
                name = name.rpartition(".")[0]
    return frozenset(names)


@lru_cache(maxsize=64)
def _project_module_lines(project: Project) -> str:
    """`_project_module_names` one per line, between newlines: a name, or a name ending
    in `.entry`, is then one substring search, not a scan of every name."""
    return "\n" + "\n".join(sorted(_project_module_names(project))) + "\n"


def templatetags_modules(project: Project, app: str) -> list[str]:
    """The modules of `<app>.templatetags`, which Django's template checks import."""
    found = project.resolve(f"{app}.templatetags")
    if found is None:
        return []
    directory = found[1] if layout.is_namespace_package(found[1]) else found[1].parent
    modules = [f"{app}.templatetags"]
    for path in sorted(directory.rglob("*.py")):
        rel = path.relative_to(directory).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        if parts and all(p.isidentifier() for p in parts):
            modules.append(".".join([app, "templatetags", *parts]))
    return modules


def _constructor_roots(project: Project, source: SourceModule, call: ast.Call, roots: _Roots) -> None:
    """`Celery(include=[...], imports=[...], config_source=..., loader=...)`."""
    for keyword in call.keywords:
        if keyword.arg is None or keyword.arg == "changes":
            roots.fail(f"Celery() options at {source.path}:{call.lineno} cannot be read")
        elif keyword.arg in ("include", "imports"):
            modules = module_list(evaluate(project, source, keyword.value))
            if modules is UNKNOWN:
                roots.fail(f"{keyword.arg}= at {source.path}:{call.lineno} cannot be resolved")
            else:
                roots.designed += modules
        elif keyword.arg == "config_source":
            _config_source(project, source, keyword.value, roots)
        elif keyword.arg == "loader" and const_str(keyword.value) not in _DEFAULT_LOADERS:
            roots.fail(f"a custom loader at {source.path}:{call.lineno}")
    if len(call.args) > 1:
        roots.fail(f"Celery() positional options at {source.path}:{call.lineno}")


def _custom_celery_classes(project: Project, roots: _Roots) -> None:
    for qualname in project.celery_classes:
        module, _, cls = qualname.rpartition(".")
        source = project.source_of(module)
        if source is None:
            continue
        for node in source.tree.body:
            if isinstance(node, ast.ClassDef) and node.name == cls:
                for stmt in node.body:
                    names = [stmt.name] if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) else [
                        t.id for t in getattr(stmt, "targets", []) if isinstance(t, ast.Name)
                    ]
                    if set(names) & _CUSTOM_LOADING:
                        roots.fail(f"the Celery subclass {qualname} customises loading")


def _calls(project: Project, word: str, attr: str) -> Iterator[tuple[SourceModule, ast.Call]]:
    """Calls `<x>.<attr>(...)` in the files that mention `word`."""
    for path in project.files_mentioning(word):
        source = project.source(path)
        if source is None:
            continue
        for call in source.nodes(ast.Call):
            if isinstance(call.func, ast.Attribute) and call.func.attr == attr:
                yield source, call


def _autodiscover_roots(project: Project, roots: _Roots) -> None:
    """Every `autodiscover_tasks()` call, on any app (a call the worker never makes only adds reach)."""
    for source, call in _calls(project, "autodiscover_tasks", "autodiscover_tasks"):
        where = f"{source.path}:{call.lineno}"
        args: dict[str, ast.expr] = dict(zip(("packages", "related_name", "force"), call.args))
        for keyword in call.keywords:
            if keyword.arg is None:
                roots.fail(f"autodiscover_tasks(**...) at {where}")
                return
            args[keyword.arg] = keyword.value
        related: Any = "tasks"
        if "related_name" in args:
            node = args["related_name"]
            related = node.value if isinstance(node, ast.Constant) else evaluate(project, source, node)
            if not (related is None or isinstance(related, str)):
                roots.fail(f"related_name at {where} cannot be resolved")
                return
        packages = _packages(project, source, args.get("packages"), roots.app_names)
        if packages is UNKNOWN:
            roots.fail(f"the packages of autodiscover_tasks() at {where} cannot be resolved")
            return
        for package in packages:
            roots.designed.append(package)
            if package.rpartition(".")[0]:
                roots.designed.append(package.rpartition(".")[0])  # find_related_module walks up
            if related:
                roots.designed.append(f"{package}.{related}")
                if package.rpartition(".")[0]:
                    roots.designed.append(f"{package.rpartition('.')[0]}.{related}")


def _packages(project: Project, source: SourceModule, node: ast.expr | None, app_names: list[str]) -> list[str] | Any:
    """The packages an autodiscover_tasks() call searches: the installed apps (no argument:
    the Django fixup; or the legacy `lambda: settings.INSTALLED_APPS`), or a known list."""
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return list(app_names)
    body = node.body if isinstance(node, ast.Lambda) else node
    if isinstance(body, (ast.ListComp, ast.GeneratorExp)) and len(body.generators) == 1:
        loop = body.generators[0].iter  # `[c.name for c in apps.get_app_configs()]`: the fixup's list
        if isinstance(loop, ast.Call) and source.qualname(loop.func) == "django.apps.apps.get_app_configs":
            return list(app_names)
    qualname = source.qualname(body)
    if qualname == f"{DJANGO_SETTINGS_OBJECT}.INSTALLED_APPS":
        entries: list[str] = []
        for settings in project.settings:
            found = installed_entries(project, settings)
            if found is UNKNOWN:
                return UNKNOWN
            entries += found
        return entries + list(app_names)
    return module_list(evaluate(project, source, body))


def _config_roots(project: Project, roots: _Roots) -> None:
    for source, call in _calls(project, "config_from_object", "config_from_object"):
        arg = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "obj"), None)
        if arg is not None:
            _config_source(project, source, arg, roots)


def _config_source(project: Project, source: SourceModule, node: ast.expr, roots: _Roots) -> None:
    """A configuration object: Django settings (read above), or a project module whose
    `imports` / `include` names are read; anything else is unknown."""
    text = const_str(node)
    if text == DJANGO_CONFIG_STRING or source.qualname(node) == DJANGO_SETTINGS_OBJECT:
        return
    ns = project.namespace(text.partition(":")[0]) if text and ":" not in text else None
    if ns is None:
        roots.fail(f"configuration source at {source.path}:{node.lineno} cannot be read")
        return
    for name in ns.bindings:
        if name.lower().endswith(("imports", "include")):
            modules = module_list(ns.value(name))
            if modules is UNKNOWN:
                roots.fail(f"{name} in {text} cannot be resolved")
            else:
                roots.designed += modules
    if ns.open or ns.dynamic:
        roots.fail(f"{text} binds names the analysis cannot see")


_CONF_WRITE_WORDS = ("imports", "include", ".update(", ".setdefault(", ".add_defaults(")


def _conf_write_roots(project: Project, roots: _Roots) -> None:
    """`app.conf.imports = [...]`, `app.conf.update(include=...)`, `app.conf.imports.append(...)`."""
    for path in project.files_mentioning(".conf"):  # one scan of every file, then a few
        if not project.mentions(path, *_CONF_WRITE_WORDS):
            continue
        source = project.source(path)
        if source is None:
            continue
        for node in source.nodes(ast.Assign, ast.AugAssign, ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                key = _conf_key(target)
                if key in ("imports", "include"):
                    _add_modules(project, source, node.value, roots, f"conf.{key} at {path}:{node.lineno}")
        for call in source.nodes(ast.Call):
            func = call.func
            if not isinstance(func, ast.Attribute):
                continue
            if func.attr in ("update", "setdefault", "add_defaults") and is_conf(func.value):
                _conf_update(project, source, call, roots)
            elif func.attr in ("append", "extend", "insert") and _conf_key(func.value) in ("imports", "include"):
                roots.fail(f"conf.{_conf_key(func.value)} changed at {path}:{call.lineno}")


def _conf_key(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute) and is_conf(node.value):
        return node.attr
    if isinstance(node, ast.Subscript) and is_conf(node.value):
        return const_str(node.slice)
    return None


def _conf_update(project: Project, source: SourceModule, call: ast.Call, roots: _Roots) -> None:
    where = f"{source.path}:{call.lineno}"
    if call.func.attr == "setdefault":  # type: ignore[attr-defined]
        if const_str(call.args[0] if call.args else None) in ("imports", "include") and len(call.args) > 1:
            _add_modules(project, source, call.args[1], roots, f"conf.setdefault at {where}")
        return
    for keyword in call.keywords:
        if keyword.arg is None:
            roots.fail(f"conf.{call.func.attr}(**...) at {where}")  # type: ignore[attr-defined]
        elif keyword.arg in ("imports", "include"):
            _add_modules(project, source, keyword.value, roots, f"{keyword.arg}= at {where}")
    for arg in call.args:
        value = evaluate(project, source, arg)
        if not isinstance(value, dict):
            roots.fail(f"conf.{call.func.attr}() argument at {where} cannot be resolved")  # type: ignore[attr-defined]
            continue
        for key in ("imports", "include"):
            if key in value:
                modules = module_list(value[key])
                if modules is UNKNOWN:
                    roots.fail(f"{key} at {where} cannot be resolved")
                else:
                    roots.designed += modules


def _add_modules(project: Project, source: SourceModule, node: ast.expr | None, roots: _Roots, where: str) -> None:
    modules = module_list(evaluate(project, source, node)) if node is not None else UNKNOWN
    if modules is UNKNOWN:
        roots.fail(f"{where} cannot be resolved")
    else:
        roots.designed += modules


def cli_includes(root: Path) -> list[str]:
    """Modules given to `celery -A/--app` and `worker -I/--include` in Procfiles, compose
    files, scripts."""
    found: list[str] = []
    for directory, listing in layout.listings(root):
        for name in sorted(listing.files):
            if not _CLI_FILES.fullmatch(name):
                continue
            try:
                path = Path(directory, name)
                if path.stat().st_size > 1_000_000:
                    continue
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for line in re.findall(_CLI_LINE, text):
                for match in re.finditer(_CLI_MODULES, line):
                    found += [m.partition(":")[0] for m in match.group(1).split(",") if m]
    return found


# -- task names --------------------------------------------------------------------------------


class TaskNames(NamedTuple):
    """Every task name the project registers, or why the set cannot be known."""

    names: frozenset[str] = frozenset()
    top_levels: frozenset[str] = frozenset()  # the project's top-level modules and packages
    unknown: str | None = None


_TASK_DECORATOR_WORDS = frozenset({"task", "shared_task", "periodic_task"})
_TASKS_ITEM = re.compile(r"\b_?tasks\s*\[")  # `app.tasks[name] = ...`


@lru_cache(maxsize=64)
def task_names(project: Project) -> TaskNames:
    """Names of the project's tasks, under every dotted name their module can be imported as."""
    names: set[str] = set()
    roots = project.own_import_roots
    for path in project.files_mentioning(TASK_WORD):
        source = project.source(path)
        if source is None:
            return TaskNames(unknown=f"{path} cannot be parsed")
        reason = _hidden_tasks(project, source)
        if reason is not None:
            return TaskNames(unknown=reason)
        for task in task_defs(project, source):
            name = task.name
            if name is UNKNOWN:
                return TaskNames(unknown=f"the name of task {task.function.name} in {path} cannot be resolved")
            if task.option("name") is not None:
                names.add(name)
                continue
            for root in roots:
                module = layout.module_name(root, path)
                if module:
                    names.add(f"{module}.{task.function.name}")
    tops = frozenset(n for n in _project_module_names(project) if "." not in n)
    return TaskNames(frozenset(names), tops)


def _hidden_tasks(project: Project, source: SourceModule) -> str | None:
    """Why `source` may register tasks `task_defs` does not see, or None."""
    where = source.path
    decorators: set[tuple[int, int]] = set()  # positions: a released module's tree is a new one
    for node in source.decorated:
        for decorator in node.decorators:
            decorators.add((decorator.lineno, decorator.col_offset))
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            last = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
            if last in _TASK_DECORATOR_WORDS and decorator_kind(project, source, decorator) is None:
                return f"an unrecognised task decorator at {where}:{decorator.lineno}"
            if node.is_class and decorator_kind(project, source, decorator) is not None:
                return f"a class decorated as a task at {where}:{decorator.lineno}"
    for call in source.nodes(ast.Call) if _may_call_a_task_decorator(project, source) else ():
        func = call.func
        if (call.lineno, call.col_offset) not in decorators and decorator_kind(project, source, call) is not None:
            return f"a task decorator called as a function at {where}:{call.lineno}"
        if isinstance(func, ast.Attribute) and (
            func.attr == "register_task" or (func.attr == "register" and _is_tasks(func.value))
        ):
            return f"a task registered by hand at {where}:{call.lineno}"
    if "gen_task_name" not in source.text and not _TASKS_ITEM.search(source.text):
        return None  # nothing below can be spelled: spare a released module's statements
    for node in source.nodes(ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Subscript) and _is_tasks(target.value):
                return f"a task registered by hand at {where}:{node.lineno}"
            if isinstance(target, ast.Attribute) and target.attr == "gen_task_name":
                return f"custom task names (gen_task_name) at {where}:{node.lineno}"
    for node in source.nodes(ast.FunctionDef):
        if node.name == "gen_task_name":
            return f"custom task names (gen_task_name) at {where}:{node.lineno}"
    return None


def _may_call_a_task_decorator(project: Project, source: SourceModule) -> bool:
    """Whether `source` may call a task decorator or `register` other than as a
    decorator: a call spells, right before its parenthesis, a task decorator's own
    name, a name bound to one (under any import alias or re-export), or
    `register`/`register_task`; and it is not the call an `@` line starts with."""
    names = {"register", "register_task", *_TASK_DECORATOR_WORDS}
    for name, qualname in source.aliases.items():
        last = canonical(project, qualname).rpartition(".")[2]
        if last in _TASK_DECORATOR_WORDS or qualname.rpartition(".")[2] in _TASK_DECORATOR_WORDS:
            names.add(name)
    called = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\s*\(")
    text = source.text
    for match in called.finditer(text):
        if match.group(1) in ("register", "register_task") or not _DECORATOR_HEAD.fullmatch(
            text, text.rfind("\n", 0, match.start()) + 1, match.start()
        ):
            return True
    return False


_DECORATOR_HEAD = re.compile(r"[ \t]*@[\w. \t]*")  # a line up to the call a decorator makes


def _is_tasks(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in ("tasks", "_tasks")


def app_receiver(project: Project, source: SourceModule, node: ast.expr) -> bool:
    """Whether `node` is a Celery app: a project app (by any alias or re-export),
    `current_app`, or a local variable bound to `Celery(...)` in the same module."""
    qualname = source.local_qualname(node)
    apps = app_qualnames(project)
    if qualname is not None and (qualname in apps or canonical(project, qualname) in apps):
        return True
    if isinstance(node, ast.Name):
        return any(app.source is source and app.variable == node.id for app in project.celery_apps)
    return False


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The real task name `name` is most likely a mistake for, or None when none is close."""
    ranked = sorted(candidates)
    suffixed = [c for c in ranked if c.endswith("." + name)]
    if suffixed:
        return suffixed[0]
    best = min(ranked, key=lambda c: (celery_tables.edit_distance(name, c), c), default=None)
    if best is not None and celery_tables.edit_distance(name, best) <= max(2, len(best) // 8):
        return best
    return None
