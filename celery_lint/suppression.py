"""Whether a finding is reported: one answer for the command, flake8 and `manage.py check`.

Every front end builds one `Reporting` from the `[tool.celery-lint]` table (and its
own options) and asks `Reporting.reports` about each finding, static or live: the
rules selected (`select`, `ignore`, `extend-select`), the files the table leaves
out (`exclude`) or ignores codes in (`per-file-ignores`), and a `# noqa` comment on
the reported line, read as flake8 reads it (flake8 applies its own on top of the
plugin's, so the two must agree). Its `baseline` (`celery_lint.baseline`) then hides
the findings a baseline file records, judged on a file's findings together.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from celery_lint.baseline import Baseline, BaselineError, load
from celery_lint.config import Config, ConfigError
from celery_lint.project import source_lines
from celery_lint.registry import REGISTRY, Rule

# flake8's own pattern (flake8.defaults.NOQA_INLINE_REGEXP): "# noqa", then at most one
# space after the colon; anything else after "# noqa" leaves a bare noqa
_NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\s]+")
ALL = "ALL"  # the selector of every rule (`--select ALL`, `select = ["ALL"]`)


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = (), extend_select: Iterable[str] = ()) -> list[Rule]:
    """Rules enabled by code prefixes, the most specific prefix winning (as in ruff).

    `select` replaces the default set, `extend_select` adds to it. An opt-in rule
    (off by default) needs a prefix more specific than "CEL" (`CEL2`, `CEL202`), or
    `ALL`: every rule, opt-in ones too, as the least specific prefix (as in ruff, so
    `--select ALL --ignore CEL2` leaves out CEL2).
    """
    select, ignore, extend = list(select), list(ignore), list(extend_select)
    every = ALL in select or ALL in extend

    def best(rule: Rule, prefixes: list[str]) -> int:
        return max(
            (0 if p == ALL else len(p) for p in prefixes if p == ALL or rule.code.startswith(p.strip().upper())),
            default=-1,
        )

    chosen = []
    for rule in REGISTRY:
        selected = best(rule, select) if select else (0 if rule.default_enabled else -1)
        selected = max(selected, best(rule, extend))
        if not rule.default_enabled and selected <= len("CEL") and not every:
            continue
        if selected >= 0 and selected > best(rule, ignore):
            chosen.append(rule)
    return chosen


def noqa_suppresses(line_text: str, code: str) -> bool:
    """Whether a `# noqa` comment on the line silences `code`, exactly as flake8 decides
    (`flake8.violation.Violation.is_inline_ignored`): a bare noqa silences every code,
    a list the codes it names and those they prefix (`CEL1`), case as written."""
    match = _NOQA.search(line_text)
    if match is None:
        return False
    codes = match.group("codes")
    if codes is None:
        return True
    return code.startswith(tuple(c for c in _SEPARATORS.split(codes) if c))


@functools.lru_cache(maxsize=16)
def _lines(text: str) -> list[str]:
    """The file's lines, split once for all its findings (a file's text is hashed once)."""
    return source_lines(text)


class Reporting:
    """The rules one configuration runs, and which of their findings it shows."""

    __slots__ = ("_rules", "_choose", "_codes", "config", "noqa", "baseline")
    _choose: Callable[[], list[Rule]]

    def __init__(
        self, rules: Iterable[Rule] | Callable[[], list[Rule]], config: Config = Config(), noqa: bool = True,
        baseline: Baseline | None = None,
    ) -> None:
        # the rules, or how to choose them when first asked: a run that lints no file
        # (an empty directory) imports no rule module
        self._rules: list[Rule] | None = None
        if callable(rules):
            self._choose = rules
        else:
            self._rules = list(rules)
        self._codes: frozenset[str] | None = None
        self.config = config
        self.noqa = noqa  # False: flake8's --disable-noqa
        self.baseline = baseline  # what it records is not shown

    @classmethod
    def configured(
        cls,
        config: Config,
        select: Sequence[str] | None = None,
        ignore: Iterable[str] = (),
        extend_select: Iterable[str] = (),
        noqa: bool = True,
    ) -> Reporting:
        """The table's selection, with a front end's options over it as the command's:
        `select` (given: not None) replaces the table's, `ignore` and `extend_select` add.
        A `baseline` the table names that cannot be read is a `ConfigError`."""
        chosen = list(select if select is not None else config.select or ())  # copied: chosen when first asked for
        ignored, extended = [*config.ignore, *ignore], [*config.extend_select, *extend_select]
        rules = functools.partial(select_rules, chosen, ignored, extended)
        baseline = None
        if config.baseline is not None:
            try:
                baseline = load(config.baseline)
            except BaselineError as exc:
                raise ConfigError(config.path or config.baseline, "baseline" if config.path else "", str(exc)) from exc
        return cls(rules, config, noqa, baseline)

    @classmethod
    def of(cls, rules: Sequence[Rule] | Reporting) -> Reporting:
        """`rules` as a reporting with no configuration (what engine callers pass)."""
        return rules if isinstance(rules, Reporting) else cls(rules)

    @property
    def rules(self) -> list[Rule]:
        if self._rules is None:
            self._rules = self._choose()
        return self._rules

    @property
    def codes(self) -> frozenset[str]:
        if self._codes is None:
            self._codes = frozenset(rule.code for rule in self.rules)
        return self._codes

    def narrowed(self, prefixes: Iterable[str]) -> Reporting:
        """Only the rules a code prefix of `prefixes` names (a host's own selection)."""
        names = tuple(prefixes)
        return Reporting([r for r in self.rules if r.code.startswith(names)], self.config, self.noqa, self.baseline)

    def selects(self, code: str, path: Path | None = None) -> bool:
        """Whether findings of `code` at `path` are looked for: its rule runs, and the
        table neither excludes the file nor ignores the code in it."""
        if code not in self.codes:
            return False
        return path is None or not (self.config.excludes(path) or self.config.ignored(path, code))

    def reports(self, code: str, path: Path | None = None, line: int = 0, text: str | None = None) -> bool:
        """Whether a finding of `code` is shown: at `path` (a finding with no file: None),
        on `line` (1-based; 0: none) of the file whose text is `text` (None: unread)."""
        if not self.selects(code, path):
            return False
        if self.noqa and text is not None and line > 0:
            lines = _lines(text)
            if line <= len(lines) and noqa_suppresses(lines[line - 1], code):
                return False
        return True
