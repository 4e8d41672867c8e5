"""django-configurations: the settings are the attributes of the class `DJANGO_CONFIGURATION` names.

What the library does (`configurations/importer.py`, `base.py`, `values.py`): the
settings module runs as usual; then the loader takes the class named by
`DJANGO_CONFIGURATION` from it, runs its `pre_setup()` (loading `DOTENV` into
`os.environ`) and `setup()` (each `values.Value` reads the environment), and sets
every uppercase attribute of an instance on the module -- inherited ones included,
methods called, properties evaluated -- before `post_setup()`. Django then reads the
module's uppercase names. The metaclass copies Django's global defaults into every
configuration class, so a module-level name that is a Django setting is replaced by
its default unless the class defines it.

Here the attributes of the class and of its bases, in MRO order, bind the settings at
their lines. `values.*Value(...)`, properties and methods are unknown values; a base
the analysis cannot read, a setup hook of the project's, or `values.EmailURLValue`
(which sets several names) leaves the settings open and their values unknown. When
`DJANGO_CONFIGURATION` cannot be determined and the module offers several classes,
none is picked: `ClassSettings.name` is None, the values are unknown, and only the
attributes of classes every candidate inherits are read (by name) as settings.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from celery_lint.evaluate import UNKNOWN, Binding, ModuleEvaluator, Namespace, Ref
from celery_lint.project.modules import flatten, module_statements
from celery_lint.project.settings_names import PYTEST_CONFIGS, variable_set_re

if TYPE_CHECKING:
    from celery_lint.project.core import Project

CONFIGURATION = frozenset({"configurations.Configuration", "configurations.base.Configuration"})
PLAIN_BASES = CONFIGURATION | {"object"}  # bases that bring no settings of their own
# `setdefault("DJANGO_CONFIGURATION", "Dev")`, `environ["DJANGO_CONFIGURATION"] = "Dev"`, an
# ini's `DJANGO_CONFIGURATION = Dev`; not a name that is itself read (`os.environ["X"]`)
DC_RE = variable_set_re("DJANGO_CONFIGURATION", r"""(["']?)([A-Za-z_]\w*)\1(?![\w.(\[])""")
HOOKS = frozenset({"setup", "pre_setup", "post_setup"})  # the project's own may set anything
MULTIPLE_VALUES = frozenset({"configurations.values.EmailURLValue", "configurations.EmailURLValue"})


class ConfigClass(NamedTuple):
    """A configuration class of the project, by where it is defined."""

    module: str
    name: str
    path: Path
    line: int


class ClassSettings(NamedTuple):
    """Which configuration class of a django-configurations settings module was read."""

    name: str | None  # the class read; None: DJANGO_CONFIGURATION could not be determined
    named: tuple[str, ...]  # the values the project gives DJANGO_CONFIGURATION
    candidates: tuple[str, ...]  # the configuration classes the module offers
    classes: tuple[ConfigClass, ...]  # whose attributes are read as settings (the MRO, or the common bases)


def configuration_names(project: Project) -> list[str]:
    """The values the project gives DJANGO_CONFIGURATION (manage.py, wsgi, the Celery
    app module, test configuration...), in order found; or the one configured
    (`configuration` under [tool.celery-lint], the class `manage.py check` runs with)."""
    if project.options.configuration:
        return [project.options.configuration]
    texts = [project.text(p) or "" for p in project.files_mentioning("DJANGO_CONFIGURATION")]
    for name in PYTEST_CONFIGS:
        path = project.root / name
        if path.is_file():
            texts.append(project.text(path) or "")
    return list(dict.fromkeys(m.group(2) for text in texts for m in DC_RE.finditer(text)))


def configurations_named_in(project: Project, path: Path) -> list[str]:
    """The values a file (Python, or an ini/toml configuration) gives DJANGO_CONFIGURATION."""
    text = project.text(path)
    return list(dict.fromkeys(m.group(2) for m in DC_RE.finditer(text or "")))


def may_apply(project: Project, text: str) -> bool:
    """The cheap test before looking for configuration classes in a settings module."""
    return "Configuration" in text or bool(project.configuration_names)


def class_settings(project: Project, ns: Namespace) -> list[tuple[ClassSettings, Namespace]]:
    """Each configuration of the settings module `ns` with the settings it binds; empty
    when the module defines no configuration class."""
    reader = _Reader(project)
    candidates = {name: cls for name, b in ns.bindings.items() if (cls := reader.configuration(b.value)) is not None}
    if not candidates:
        return []
    named = tuple(project.configuration_names)
    chosen = [name for name in named if name in candidates]
    if not chosen and len(candidates) == 1:
        chosen = list(candidates)
    found = []
    for name in chosen:
        mro = reader.mro(candidates[name])
        if mro is None:
            found.append((ClassSettings(name, named, tuple(candidates), ()), _unknown(ns)))
        else:
            found.append((ClassSettings(name, named, tuple(candidates), tuple(mro)), reader.settings(ns, mro)))
    if not chosen:
        mros = [reader.mro(cls) or [] for cls in candidates.values()]
        common = [cls for cls in mros[0] if all(cls in mro for mro in mros[1:])]
        found.append((ClassSettings(None, named, tuple(candidates), tuple(common)), _unknown(ns)))
    return found


@lru_cache(maxsize=64)
def configuration_classes(project: Project) -> dict[Path, list[ConfigClass]]:
    """The django-configurations classes whose attributes are settings, by file."""
    found: dict[Path, list[ConfigClass]] = {}
    for settings in project.settings:
        for cls in settings.configuration.classes if settings.configuration else ():
            if cls not in found.setdefault(cls.path, []):
                found[cls.path].append(cls)
    return found


def class_statements(project: Project, cls: ConfigClass) -> list[ast.stmt]:
    """The statements of a configuration class's body (if/try blocks included)."""
    node = _class_node(project, cls)
    return [] if node is None else [s for stmt in node.body for s in flatten(stmt)]


def _unknown(ns: Namespace) -> Namespace:
    unknown = ns.copy()
    unknown.open = unknown.dynamic = True
    return unknown


def _class_node(project: Project, cls: ConfigClass) -> ast.ClassDef | None:
    source = project.source(cls.path)
    if source is None:
        return None
    for stmt in module_statements(source.tree):
        if isinstance(stmt, ast.ClassDef) and stmt.name == cls.name and stmt.lineno == cls.line:
            return stmt
    return None


def isuppercase(name: str) -> bool:
    """The library's test for a setting name (`configurations.utils.isuppercase`)."""
    return name == name.upper() and not name.startswith("_")


class _Reader:
    """Classes, their bases and their attributes, each read once."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._classes: dict[str, tuple[ConfigClass, list[str | ConfigClass]] | None] = {}
        self._attributes: dict[ConfigClass, tuple[dict[str, Binding], bool]] = {}

    def configuration(self, value: object) -> ConfigClass | None:
        """The project configuration class `value` refers to, if it is one."""
        if not isinstance(value, Ref):
            return None
        found = self._class(value.qualname)
        return found[0] if found is not None and self._derives(value.qualname, set()) else None

    def _class(self, qualname: str) -> tuple[ConfigClass, list[str | ConfigClass]] | None:
        """(the class, its bases: project classes, or qualified names of others)."""
        if qualname in self._classes:
            return self._classes[qualname]
        self._classes[qualname] = None  # a class deriving from itself
        module, _, name = qualname.rpartition(".")
        ns = self.project.namespace(module) if module else None
        source = self.project.source_of(module) if ns is not None else None
        statements = module_statements(source.tree) if source is not None else iter(())
        nodes = [s for s in statements if isinstance(s, ast.ClassDef) and s.name == name]
        if ns is None or source is None or not nodes:
            return None
        node = nodes[-1]
        evaluator = ModuleEvaluator(module, source.path, self.project.namespace)
        bases: list[str | ConfigClass] = []
        for base in node.bases:
            base_name = evaluator.qualname(base, ns) or "?"
            inner = self._class(base_name)
            bases.append(inner[0] if inner is not None else base_name)
        found = (ConfigClass(module, name, source.path, node.lineno), bases)
        self._classes[qualname] = found
        return found

    def _derives(self, qualname: str, seen: set[str]) -> bool:
        found = self._class(qualname)
        if found is None or qualname in seen:
            return False
        seen.add(qualname)
        for base in found[1]:
            if isinstance(base, str) and base in CONFIGURATION:
                return True
            if isinstance(base, ConfigClass) and self._derives(f"{base.module}.{base.name}", seen):
                return True
        return False

    def mro(self, cls: ConfigClass) -> list[ConfigClass] | None:
        """The project classes of `cls`'s MRO (C3), or None when it is not consistent."""
        found = self._class(f"{cls.module}.{cls.name}")
        if found is None:
            return None
        bases = [b for b in found[1] if isinstance(b, ConfigClass)]
        linear = [self.mro(b) for b in bases]
        if any(m is None for m in linear):
            return None
        pending = [list(m) for m in linear if m] + [list(bases)]
        result = [cls]
        while any(pending):
            head = next((m[0] for m in pending if m and not any(m[0] in o[1:] for o in pending)), None)
            if head is None:
                return None
            result.append(head)
            pending = [[c for c in m if c != head] for m in pending]
        return result

    def opaque(self, cls: ConfigClass) -> bool:
        """Whether a base of `cls` is neither a project class nor Configuration."""
        found = self._class(f"{cls.module}.{cls.name}")
        return found is None or any(isinstance(b, str) and b not in PLAIN_BASES for b in found[1])

    def attributes(self, cls: ConfigClass) -> tuple[dict[str, Binding], bool]:
        """(the class's own attributes, whether its body may set names unseen)."""
        if cls not in self._attributes:
            self._attributes[cls] = self._read_attributes(cls)
        return self._attributes[cls]

    def _read_attributes(self, cls: ConfigClass) -> tuple[dict[str, Binding], bool]:
        node = _class_node(self.project, cls)
        module_ns = self.project.namespace(cls.module)
        if node is None or module_ns is None:
            return {}, True
        ns = module_ns.copy()  # a class body reads the module's globals
        before = dict(ns.bindings)
        evaluator = ModuleEvaluator(cls.module, cls.path, self.project.namespace)
        unseen = False
        for stmt in node.body:
            evaluator.statement(stmt, ns)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                # a method is called, a property evaluated: their values are unknown
                ns.bindings[stmt.name] = Binding(UNKNOWN, cls.path, stmt.lineno, stmt.col_offset)
                unseen |= stmt.name in HOOKS
        for call in (n for stmt in node.body for n in ast.walk(stmt) if isinstance(n, ast.Call)):
            unseen |= evaluator.qualname(call.func, ns) in MULTIPLE_VALUES
        own = {name: b for name, b in ns.bindings.items() if before.get(name) is not b}
        return own, unseen or ns.open or ns.dynamic

    def settings(self, ns: Namespace, mro: list[ConfigClass]) -> Namespace:
        """The settings module's names once the loader set the configuration's on it."""
        result = ns.copy()
        defined: dict[str, Binding] = {}
        for cls in reversed(mro):
            own, unseen = self.attributes(cls)
            defined.update((name, b) for name, b in own.items() if isuppercase(name))
            if unseen or self.opaque(cls):
                result.open = result.dynamic = True
        for name, binding in ns.bindings.items():
            if name not in defined and isuppercase(name) and not name.startswith("CELERY"):
                # a Django setting's default, copied into the class, replaces it
                result.bindings[name] = Binding(UNKNOWN, binding.path, binding.line, binding.col)
        result.bindings.update(defined)
        return result

