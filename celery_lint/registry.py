"""The rule catalogue as data: one `Rule` per code, registered by its own module.

Every front end (flake8, the command, `manage.py check`), `--explain` and the docs
read rules from here, so a code, its message and its examples live in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from celery_lint.findings import Finding

if TYPE_CHECKING:
    from celery_lint.project import Project, SourceModule  # noqa: F401 (used in the string types below)


class Located(Protocol):
    """Something with a position: an ast node (statements, expressions, arguments,
    aliases), or a record of one that outlives its tree (`Imported`, a task)."""

    @property
    def lineno(self) -> int: ...

    @property
    def col_offset(self) -> int: ...


ProjectCheck = Callable[["Project"], Iterable[Finding]]
ModuleCheck = Callable[["Project", "SourceModule"], Iterable[Finding]]


class Example(NamedTuple):
    """A project as file overrides on top of the canonical healthy project.

    `files` maps a path relative to the project root to its text (dedented);
    a path starting with "-" deletes that file of the base project, one starting
    with "+" appends the text to the base project's file. `findings`
    lists the (path, code) pairs the example must produce, nothing else; for a
    live-only rule the path is "" (a `manage.py check --database default` message).
    """

    files: dict[str, str]
    findings: tuple[tuple[str, str], ...] = ()
    # `manage.py` commands run before the live checks (live-only rules: "migrate")
    setup: tuple[str, ...] = ()
    # An example written in syntax of this Python (3, 12) and newer: an older Python
    # reports its findings, one that parses it none (CEL007).
    newer_syntax: tuple[int, int] | None = None

    @property
    def shown_here(self) -> bool:
        """Whether the running Python reports this example's findings."""
        import sys

        return self.newer_syntax is None or sys.version_info[:2] < self.newer_syntax

    def texts(self) -> dict[str, str]:
        import textwrap  # for tests and docs only: not imported at every start

        return {path: textwrap.dedent(text).lstrip("\n") for path, text in self.files.items()}


# module rules `manage.py check` reports too, by a live check, and when (see `checks`)
LIVE_CHECKS = {"CEL201": "when the running process has loaded the tasks module under two names"}


#: what a fix returns: (start, end, replacement) spans of the file's text, applied together
Edits = list[tuple[int, int, str]]


class Fix(NamedTuple):
    """A rule's fix, declared in the rule's module: `celery-lint --fix` (and `--diff`)
    applies it. `edits` gets a `celery_lint.fixing.FixContext` (the file's text, its
    tokens and a fresh tree) and the finding, and returns the spans to replace, or
    [] where this shape is not one the fix handles; the rule's module imports nothing
    of the fix machinery, which is loaded only when fixing."""

    safety: str  # "safe": only the bug the message names changes; "unsafe": more may change
    why: str  # the docs text: what the fix writes, and why it is safe or not
    edits: Callable[[Any, Finding], Edits]
    # the bad example's files after the fix (dedented, as `Example.files`): docs and tests
    fixed: dict[str, str]
    # the safety of one finding where it depends on the finding (CEL102: the Celery version)
    safety_of: Callable[[Finding], str] | None = None

    def safety_for(self, finding: Finding) -> str:
        return self.safety if self.safety_of is None else self.safety_of(finding)

    def fixed_texts(self) -> dict[str, str]:
        import textwrap

        return {path: textwrap.dedent(text).lstrip("\n") for path, text in self.fixed.items()}


class Rule(NamedTuple):
    code: str
    severity: str  # "E": broken; "W": likely wrong, or broken in some versions/deployments
    name: str
    summary: str  # one line, shown by --list-rules and as the docs page title
    why: str  # the docs text: what goes wrong and why
    bad: Example
    good: Example
    silent_on: tuple[str, ...] = ()
    default_enabled: bool = True
    live_only: bool = False  # reported only by `manage.py check`
    # False: a project rule `manage.py check` never reports, since a project with the
    # mistake cannot start Django (CEL006 shadows the celery package, CEL007's syntax
    # does not parse under the Python it runs)
    in_manage_check: bool = True
    check_project: ProjectCheck | None = None
    check_module: ModuleCheck | None = None
    # Whether a module's text can hold anything `check_module` (or `project_module`)
    # reports: a cheap test that must be sound (a module it rejects has nothing to
    # report). A module every module rule rejects is never parsed unless the project
    # model asks for it (its syntax errors are not reported). None: all.
    module_text: Callable[[str], bool] | None = None
    # For a project rule whose findings in a module follow from that module and the
    # project model alone (`check_project` runs it over every module `module_text`
    # accepts): flake8, which hands over one parsed file at a time, runs it on that
    # file's tree, as a module rule, instead of parsing every module up front.
    project_module: ModuleCheck | None = None
    # A rule about the other rules' findings of the run (CEL901, `stale_noqa`): the
    # engine runs it after them; its examples run with the default set.
    after_rules: bool = False
    fix: Fix | None = None  # what `celery-lint --fix` writes (celery_lint.fixing)

    def reads(self, text: str) -> bool:
        """Whether `check_module` looks at a module with this text."""
        return self.check_module is not None and (self.module_text is None or self.module_text(text))

    @property
    def front_ends(self) -> tuple[str, ...]:
        """Which front ends report the rule: flake8 and the command every static rule;
        `manage.py check` the project-level ones (the opt-in ones when the table
        selects them) but those whose cause keeps Django from starting, the module
        rules it has a live check for (`LIVE_CHECKS`), and the live-only ones."""
        static = () if self.live_only else ("flake8", "celery-lint")
        django = self.live_only or self.code in LIVE_CHECKS or (self.check_project is not None and self.in_manage_check)
        return (*static, "manage.py check") if django else static

    @property
    def number(self) -> str:
        return self.code.removeprefix("CEL")

    @property
    def django_id(self) -> str:
        """The rule's one check id, from its catalogue severity: a finding whose level
        follows the Celery version (CEL102) keeps it, so a silenced id stays silenced."""
        return f"celery_lint.{self.severity}{self.number}"

    def finding(
        self, module_path: Path, node_or_line: Located | int, message: str, subject: str = "", severity: str = ""
    ) -> Finding:
        """A finding at an ast node (or a line number) of the file at `module_path`;
        `severity` overrides the rule's where the truth depends on the Celery version."""
        if isinstance(node_or_line, int):
            line, col = node_or_line, 0
        else:
            line, col = node_or_line.lineno, node_or_line.col_offset
        return Finding(module_path, line, col, self.code, message, subject, severity or self.severity)


class Registry:
    """The catalogue, its rule modules imported on the first question a registered
    rule cannot answer (the whole list, a code not registered yet): a run that asks
    none (an empty directory) imports no rule; a check that imports its own rule's
    module and asks for it imports no other."""

    def __init__(self) -> None:
        self.rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> Rule:
        if rule.code in self.rules:
            raise ValueError(f"rule {rule.code} registered twice")
        self.rules[rule.code] = rule
        return rule

    def _every(self) -> dict[str, Rule]:
        from celery_lint.rules import load_rules

        load_rules()  # once: it keeps whether it ran
        return self.rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._every().values(), key=lambda r: r.code))

    def __getitem__(self, code: str) -> Rule:
        rule = self.rules.get(code.upper())
        return rule if rule is not None else self._every()[code.upper()]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and (code.upper() in self.rules or code.upper() in self._every())


REGISTRY = Registry()
register = REGISTRY.add
