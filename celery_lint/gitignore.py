"""What git ignores: the patterns of `.gitignore` files and `.git/info/exclude`, read as git reads them.

Each file is read and compiled once. The walk asks about every entry of every
directory, so a pattern costs nothing per entry but where it must: a plain name
(`local_settings.py`, `build/`) is one dict look-up, `*.log`-style suffixes are
looked up by the name's extension, and only the other patterns go to one regular
expression for names and one for paths (anchored patterns), each trying its
patterns last first, so one match says which pattern decides. Git's precedence: the
last matching pattern of a file wins, a deeper `.gitignore` over a shallower one,
`info/exclude` under them all. The caller prunes ignored directories, so, as in git,
nothing below an ignored directory is re-included. The user's global excludes file
is not read: it is one person's preference, not the project's.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import NamedTuple


class Pattern(NamedTuple):
    rank: int  # its line's rank in the file: the highest matching one decides
    negated: bool
    directories_only: bool
    anchored: bool  # matched against the path relative to the file's directory, else the name
    literal: str | None  # the name it matches exactly, or
    suffix: str | None  # the end of the names it matches (`*.log`: ".log"), or
    regex: str  # its regex, for anything else ("" for the others)


class Matcher(NamedTuple):
    """One file's patterns for one kind of entry (directories, or everything else)."""

    literals: dict[str, int]  # name -> the highest rank
    suffixes: dict[str, tuple[tuple[str, int], ...]]  # a name's last extension -> (suffix, rank), highest first
    names: re.Pattern[str] | None  # the other unanchored patterns, highest rank first
    name_ranks: tuple[int, ...]  # by group number - 1
    paths: re.Pattern[str] | None  # the anchored patterns, highest rank first
    path_ranks: tuple[int, ...]

    def decides(self, relative: str, name: str) -> int:
        """The rank of the last pattern matching (-1: none)."""
        found = self.literals.get(name, -1)
        for suffix, rank in self.suffixes.get(name.rpartition(".")[2], ()):  # highest first
            if rank <= found:
                break
            if name.endswith(suffix):
                found = rank
                break
        for regex, ranks, text in ((self.names, self.name_ranks, name), (self.paths, self.path_ranks, relative)):
            match = regex.fullmatch(text) if regex is not None else None
            if match is not None and match.lastindex is not None:
                found = max(found, ranks[match.lastindex - 1])
        return found


class Rules(NamedTuple):
    """The patterns of one file, relative to `base` (a directory, ending in a separator)."""

    base: str
    directories: Matcher
    files: Matcher  # the patterns without a trailing "/"
    negated: tuple[bool, ...]  # by rank

    def ignores(self, relative: str, is_directory: bool) -> bool | None:
        """True (ignored), False (re-included by a `!` pattern) or None (no pattern
        matches) for a path relative to `base`, with "/" between its parts."""
        name = relative.rpartition("/")[2]
        found = (self.directories if is_directory else self.files).decides(relative, name)
        return None if found < 0 else not self.negated[found]


def parse(text: str, base: str) -> Rules | None:
    """The rules of a `.gitignore` text whose patterns are relative to directory
    `base`; None when it has no pattern."""
    compiled = _compiled(text)
    return Rules(os.path.join(base, ""), *compiled) if compiled else None


@lru_cache(maxsize=256)
def _compiled(text: str) -> tuple[Matcher, Matcher, tuple[bool, ...]] | None:
    """A text's matchers, once per process (many trees repeat one `.gitignore`)."""
    patterns: list[Pattern] = []
    for line in text.splitlines():
        parsed = _pattern(line, len(patterns))
        if parsed is not None:
            patterns.append(parsed)
    if not patterns:
        return None
    every = _matcher(patterns)
    return every, _matcher([p for p in patterns if not p.directories_only]), tuple(p.negated for p in patterns)


def _matcher(patterns: list[Pattern]) -> Matcher:
    literals: dict[str, int] = {}
    suffixes: dict[str, list[tuple[str, int]]] = {}
    names: list[Pattern] = []
    paths: list[Pattern] = []
    for p in patterns:
        if p.literal is not None:
            literals[p.literal] = p.rank  # in order: the last one stays
        elif p.suffix is not None:
            suffixes.setdefault(p.suffix.rpartition(".")[2], []).insert(0, (p.suffix, p.rank))
        else:
            (paths if p.anchored else names).append(p)
    names_regex, name_ranks = _combined(names)
    paths_regex, path_ranks = _combined(paths)
    by_extension = {key: tuple(found) for key, found in suffixes.items()}
    return Matcher(literals, by_extension, names_regex, name_ranks, paths_regex, path_ranks)


def _combined(patterns: list[Pattern]) -> tuple[re.Pattern[str] | None, tuple[int, ...]]:
    """One regex trying `patterns` last first, one group each and none inside them:
    `lastindex` names the pattern that matched."""
    if not patterns:
        return None, ()
    ordered = patterns[::-1]
    regex = re.compile("|".join(f"({p.regex})" for p in ordered), re.DOTALL)
    return regex, tuple(p.rank for p in ordered)


_SPECIAL = frozenset("*?[\\")


def _pattern(line: str, rank: int) -> Pattern | None:
    """One line's pattern, None for a blank line or a comment."""
    line = line.rstrip("\r")
    if not line or line.startswith("#"):
        return None
    stripped = line.rstrip(" ")  # trailing spaces go, unless one is escaped
    if len(stripped) < len(line) and stripped.endswith("\\") and not stripped.endswith("\\\\"):
        stripped += " "
    line = stripped
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    directories_only = line.endswith("/") and not line.endswith("\\/")
    line = line.rstrip("/") if directories_only else line
    if not line:
        return None
    anchored = "/" in line  # a slash at the start or in the middle: relative to the file's directory
    line = line.removeprefix("/")
    literal = suffix = None
    if not anchored and not _SPECIAL & set(line):
        literal = line
    elif not anchored and line.startswith("*") and "." in line and not _SPECIAL & set(line[1:]):
        suffix = line[1:]
    regex = _translate(line) if literal is None and suffix is None else ""
    return Pattern(rank, negated, directories_only, anchored, literal, suffix, regex)


def _translate(pattern: str) -> str:
    """git's wildmatch (with WM_PATHNAME) as a regex: `*`, `?` and `[...]` stay within
    a path part; `**/`, `/**/` and `/**` cross them; a backslash escapes."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*" and pattern.startswith("**", i) and (i == 0 or pattern[i - 1] == "/"):
            if i + 2 == n:  # "/**" at the end (or "**" alone): everything inside
                out.append(".+" if i else ".*")
                i += 2
                continue
            if pattern[i + 2] == "/":  # "**/" at the start or "/**/": zero or more directories
                out.append("(?:.*/)?")
                i += 3
                continue
        if c == "*":
            while i < n and pattern[i] == "*":
                i += 1
            out.append("[^/]*")
            continue
        if c == "?":
            out.append("[^/]")
        elif c == "[":
            end, cls = _bracket(pattern, i)
            if cls is None:
                out.append(re.escape(c))
            else:
                out.append(cls)
                i = end
                continue
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


_CLASSES = {
    "alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "digit": "0-9", "lower": "a-z", "upper": "A-Z",
    "space": r"\s", "xdigit": "0-9a-fA-F", "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "blank": " \t",
}


def _bracket(pattern: str, start: int) -> tuple[int, str | None]:
    """(the index after a `[...]` class, its regex), or (start, None) when unterminated."""
    i = start + 1
    negated = i < len(pattern) and pattern[i] in "!^"
    if negated:
        i += 1
    members: list[str] = []
    first = True
    while i < len(pattern):
        c = pattern[i]
        if c == "]" and not first:
            body = "".join(members)
            return i + 1, f"[^/{body}]" if negated else f"(?!/)[{body}]"
        first = False
        if c == "[" and pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2:end] if end != -1 else ""
            if name in _CLASSES:
                members.append(_CLASSES[name])
                i = end + 2
                continue
        if c == "\\" and i + 1 < len(pattern):
            i += 1
            c = pattern[i]
        if c == "-" and members and i + 1 < len(pattern) and pattern[i + 1] != "]":
            members.append("-")
        else:
            members.append(re.escape(c))
        i += 1
    return start, None


def git_directory(top: str) -> str | None:
    """The git directory of the work tree at `top`: `.git`, or the directory a `.git`
    file names (a linked work tree, a submodule), the common one for a linked work tree."""
    dot_git = os.path.join(top, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as stream:
            first = stream.readline().strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not first.startswith("gitdir:"):
        return None
    directory = os.path.join(top, first[len("gitdir:"):].strip())
    try:
        with open(os.path.join(directory, "commondir"), encoding="utf-8") as stream:
            return os.path.join(directory, stream.readline().strip())
    except (OSError, UnicodeDecodeError):
        return directory


def read_rules(path: str, base: str) -> Rules | None:
    """The rules of the file at `path` (relative to `base`); None when unreadable or empty."""
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            return parse(stream.read(), base)
    except (OSError, re.error):
        return None
