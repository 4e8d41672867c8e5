"""`[tool.celery-lint]` in pyproject.toml: one configuration for every front end.

    [tool.celery-lint]
    settings = ["proj.settings.production"]   # Django settings module(s)
    configuration = "Prod"                     # django-configurations: the DJANGO_CONFIGURATION class
    app = "proj.celery"                        # the Celery app module ("module:attr" too)
    namespace = "CELERY"                       # when the source cannot tell ("" = none)
    select = ["CEL"]                           # code prefixes, as in ruff ("ALL": opt-in ones too)
    ignore = ["CEL104"]
    extend-select = ["CEL202"]
    per-file-ignores = { "proj/settings/test.py" = ["CEL401"] }
    own-settings = ["CELERY_REPORTS_QUEUE"]    # CELERY_* names that are the project's own
    celery-version = "5.6.3"                   # else the project's pins, else installed Celery
    exclude = ["legacy/**"]
    respect-gitignore = true                   # skip what git ignores (hidden directories always)
    baseline = "celery-lint-baseline.json"     # report only findings this file does not record
    fail-on = "error"                          # the command: only errors exit 1 (default "warning")
    cache-dir = ".celery_lint_cache"           # where runs keep what they learnt (default: the project root's)

Each project reads its own table (`config_lookup`): the nearest pyproject.toml with
it at or above the project's root, up to the repository root, unless `--config`
names one for all. Patterns and the baseline are relative to the directory of the table's file.
Anything unknown or ill-typed is refused with a `ConfigError` naming the file, the key and the problem:
a silently ignored configuration is the very bug this tool exists to catch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from celery_lint import toml
from celery_lint.project import ProjectOptions
from celery_lint.rules import rule_codes
from celery_lint.versions import VersionError, parse_version

TABLE = "celery-lint"
KEYS = (
    "settings", "app", "namespace", "select", "ignore", "extend-select", "per-file-ignores",
    "own-settings", "celery-version", "exclude", "configuration", "respect-gitignore",
    "baseline", "fail-on", "cache-dir",
)
FAIL_ON = ("error", "warning")
# Patterns as strings: `re` compiles (and caches) each on first use, not at every start.
_DOTTED = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"
_APP = rf"{_DOTTED}(?::[A-Za-z_]\w*)?"
_IDENTIFIER = r"[A-Za-z_]\w*"
_SETTING = r"[A-Z_][A-Z0-9_]*"


class ConfigError(Exception):
    """A configuration celery-lint refuses: the file, the key, and what is wrong."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        where = f"[tool.{TABLE}] {key}: " if key else ""
        super().__init__(f"{path}: {where}{problem}")
        self.path, self.key, self.problem = path, key, problem


class Config(NamedTuple):
    """The validated table; `path` is None when no file configures the project."""

    path: Path | None = None
    settings: tuple[str, ...] = ()
    app: str | None = None
    namespace: str | None = None
    select: tuple[str, ...] | None = None  # None: not given (the default set)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    own_settings: frozenset[str] = frozenset()
    celery_version: str | None = None
    exclude: tuple[str, ...] = ()
    configuration: str | None = None
    respect_gitignore: bool = True
    baseline: Path | None = None  # resolved
    fail_on: str = "warning"  # the lowest severity that sets the command's exit status 1
    cache_dir: str | None = None  # absolute
    base: Path = Path()  # patterns are relative to this directory (default: the working directory)

    def project_options(self) -> ProjectOptions:
        return ProjectOptions(
            app=self.app,
            namespace=self.namespace,
            own_settings=self.own_settings,
            celery_version=self.celery_version,
            version_source=f"celery-version in {self.path.name if self.path else 'configuration'}",
            configuration=self.configuration,
            respect_gitignore=self.respect_gitignore,
            cache_dir=self.cache_dir,
        )

    def options_with(
        self,
        app: str | None = None,
        namespace: str | None = None,
        own_settings: Iterable[str] = (),
        celery_version: str | None = None,
        configuration: str | None = None,
        respect_gitignore: bool | None = None,
    ) -> ProjectOptions:
        """The project options, with a front end's own options (given: not None) over them."""
        options = self.project_options()
        return options._replace(
            app=app if app is not None else options.app,
            namespace=namespace if namespace is not None else options.namespace,
            own_settings=options.own_settings | frozenset(own_settings),
            celery_version=celery_version or options.celery_version,
            version_source="--celery-version" if celery_version else options.version_source,
            configuration=configuration or options.configuration,
            respect_gitignore=options.respect_gitignore if respect_gitignore is None else respect_gitignore,
        )

    def excludes(self, path: Path) -> bool:
        return any(glob_matches(pattern, path, self.base) for pattern in self.exclude)

    def ignored(self, path: Path, code: str) -> bool:
        """Whether `per-file-ignores` silences `code` in the file at `path` (`ALL`: every code)."""
        return any(
            glob_matches(pattern, path, self.base) and any(c == "ALL" or code.startswith(c) for c in codes)
            for pattern, codes in self.per_file_ignores
        )


def glob_matches(pattern: str, path: Path, base: Path) -> bool:
    """Ruff-style file patterns: without a "/" a pattern matches a file or directory
    name anywhere; with one, the path relative to `base` (or a directory above the
    file). `*` stays within a path segment, `**` crosses them."""
    resolved = path.resolve()
    try:
        parts = resolved.relative_to(base.resolve()).parts
    except ValueError:
        parts = ()
    if "/" not in pattern.strip("/"):
        regex = _glob_regex(pattern.strip("/"))
        return any(regex.fullmatch(part) for part in parts or (resolved.name,))
    regex = _glob_regex(pattern.removeprefix("./").strip("/"))
    return any(regex.fullmatch("/".join(parts[:i])) for i in range(1, len(parts) + 1))


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return toml.load(path)
    except OSError as exc:
        raise ConfigError(path, "", f"cannot be read: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise ConfigError(path, "", f"not valid TOML: {exc}") from exc


def load_config(path: Path) -> Config:
    """The `[tool.celery-lint]` table of the TOML file at `path`, validated."""
    if not path.is_file():
        raise ConfigError(path, "", "no such configuration file")
    table = read_toml(path).get("tool", {}).get(TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(path, "", f"[tool.{TABLE}] must be a table")
    return parse_table(table, path)


def parse_table(table: dict[str, Any], path: Path) -> Config:
    """Validate a `[tool.celery-lint]` table; the first problem raises `ConfigError`."""
    for key in table:
        if key not in KEYS:
            import difflib  # only for a mistyped key: spares every run its import

            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(KEYS)})"
            raise ConfigError(path, key, f"unknown key{hint}")
    values: dict[str, Any] = {"path": path, "base": path.parent.resolve()}
    if "settings" in table:
        settings = table["settings"]
        names = [settings] if isinstance(settings, str) else _strings(path, "settings", settings)
        for name in names:
            _require(re.fullmatch(_DOTTED, name), path, "settings", f"{name!r} is not a dotted module name")
        values["settings"] = tuple(names)
    if "app" in table:
        app = _string(path, "app", table["app"])
        _require(re.fullmatch(_APP, app), path, "app", f"{app!r} is not a module name (proj.celery or proj.celery:app)")
        values["app"] = app
    if "namespace" in table:
        namespace = _string(path, "namespace", table["namespace"])
        _require(
            namespace == "" or re.fullmatch(_IDENTIFIER, namespace), path, "namespace",
            f"{namespace!r} is not an identifier (\"CELERY\", or \"\" for no namespace)",
        )
        values["namespace"] = namespace
    for key in ("select", "ignore", "extend-select"):
        if key in table:
            values[key.replace("-", "_")] = _codes(path, key, table[key])
    if "per-file-ignores" in table:
        mapping = table["per-file-ignores"]
        if not isinstance(mapping, dict):
            raise ConfigError(path, "per-file-ignores", f"expected a table of pattern = [codes], got {_type(mapping)}")
        values["per_file_ignores"] = tuple(
            (pattern, _codes(path, f"per-file-ignores.{pattern!r}", codes)) for pattern, codes in mapping.items()
        )
    if "own-settings" in table:
        names = _strings(path, "own-settings", table["own-settings"])
        for name in names:
            _require(
                re.fullmatch(_SETTING, name), path, "own-settings",
                f"{name!r} is not an upper-case setting name (Django ignores other names)",
            )
        values["own_settings"] = frozenset(names)
    if "celery-version" in table:
        version = table["celery-version"]
        if not isinstance(version, str):
            raise ConfigError(path, "celery-version", f"expected a string such as \"5.6.3\", got {_type(version)}")
        try:
            parse_version(version)
        except VersionError as exc:
            raise ConfigError(path, "celery-version", str(exc)) from exc
        values["celery_version"] = version
    if "exclude" in table:
        values["exclude"] = tuple(_strings(path, "exclude", table["exclude"]))
    if "configuration" in table:
        name = _string(path, "configuration", table["configuration"])
        _require(re.fullmatch(_IDENTIFIER, name), path, "configuration", f"{name!r} is not a class name")
        values["configuration"] = name
    if "respect-gitignore" in table:
        respect = table["respect-gitignore"]
        if not isinstance(respect, bool):
            raise ConfigError(path, "respect-gitignore", f"expected true or false, got {_type(respect)}")
        values["respect_gitignore"] = respect
    if "baseline" in table:
        name = _string(path, "baseline", table["baseline"])
        _require(name.strip(), path, "baseline", "expected a file name, got an empty string")
        values["baseline"] = values["base"] / name
    if "fail-on" in table:
        level = _string(path, "fail-on", table["fail-on"])
        _require(level in FAIL_ON, path, "fail-on", f"expected \"error\" or \"warning\", got {level!r}")
        values["fail_on"] = level
    if "cache-dir" in table:
        directory = _string(path, "cache-dir", table["cache-dir"])
        _require(directory, path, "cache-dir", "expected a directory, got an empty string")
        values["cache_dir"] = str(values["base"] / directory)  # relative to the table's file
    return Config(**values)


def check_codes(codes: list[str] | tuple[str, ...]) -> str | None:
    """The first code that names no rule and prefixes none, else None (the codes are
    the rule modules' names: no rule is imported)."""
    known = rule_codes()
    for code in codes:
        if code == "ALL":
            continue
        if not any(rule.startswith(code) for rule in known):
            return code
    return None


def _codes(path: Path, key: str, value: Any) -> tuple[str, ...]:
    codes = tuple(c.strip().upper() for c in _strings(path, key, value))
    unknown = check_codes(codes)
    _require(unknown is None, path, key, f"unknown rule code or prefix {unknown!r}")
    return codes


def _strings(path: Path, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, key, f"expected a list of strings, got {_type(value)}")
    return list(value)


def _string(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(path, key, f"expected a string, got {_type(value)}")
    return value


def _require(condition: object, path: Path, key: str, problem: str) -> None:
    if not condition:
        raise ConfigError(path, key, problem)


def _type(value: Any) -> str:
    if isinstance(value, list):
        kinds = sorted({_type(v) for v in value if not isinstance(v, str)})
        return f"a list with {', '.join(kinds)}" if kinds else "a list"
    names = {bool: "a boolean", int: "an integer", float: "a float", dict: "a table", str: "a string"}
    return names.get(type(value), type(value).__name__)
