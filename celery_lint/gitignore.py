"""What git ignores: the patterns of `.gitignore` files and `.git/info/exclude`, read as git reads them.

Each file's patterns are compiled once into two regular expressions (one for
directories, one for files) that try its patterns last first, so one match per
file and level says which pattern decides (git: the last matching pattern wins, a
deeper `.gitignore` over a shallower one, `info/exclude` under them all). The
caller prunes ignored directories, so, as in git, nothing below an ignored
directory is re-included. The user's global excludes file is not read: it is one
person's preference, not the project's.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple


class Rules(NamedTuple):
    """The patterns of one file, relative to `base` (a directory, ending in a separator)."""

    base: str
    directories: re.Pattern[str] | None  # every pattern, last first
    files: re.Pattern[str] | None  # the patterns without a trailing "/", last first
    directory_negated: tuple[bool, ...]  # by group number - 1
    file_negated: tuple[bool, ...]

    def ignores(self, relative: str, is_directory: bool) -> bool | None:
        """True (ignored), False (re-included by a `!` pattern) or None (no pattern
        matches) for a path relative to `base`, with "/" between its parts."""
        pattern, negated = (self.directories, self.directory_negated) if is_directory else (self.files, self.file_negated)
        match = pattern.fullmatch(relative) if pattern is not None else None
        if match is None or match.lastindex is None:
            return None
        return not negated[match.lastindex - 1]


def parse(text: str, base: str) -> Rules | None:
    """The rules of a `.gitignore` text whose patterns are relative to directory
    `base`; None when it has no pattern."""
    patterns: list[tuple[str, bool, bool]] = []  # (regex, negated, directories only)
    for line in text.splitlines():
        parsed = _pattern(line)
        if parsed is not None:
            patterns.append(parsed)
    if not patterns:
        return None
    every = patterns[::-1]
    for_files = [p for p in every if not p[2]]
    return Rules(
        os.path.join(base, ""),
        _combined(every),
        _combined(for_files) if for_files else None,
        tuple(p[1] for p in every),
        tuple(p[1] for p in for_files),
    )


def _combined(patterns: list[tuple[str, bool, bool]]) -> re.Pattern[str]:
    # one group per pattern and none inside them: `lastindex` names the pattern that matched
    return re.compile("|".join(f"({regex})" for regex, _, _ in patterns), re.DOTALL)


def _pattern(line: str) -> tuple[str, bool, bool] | None:
    """(regex, negated, directories only) of one line, None for a blank line or a comment."""
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
    regex = _translate(line)
    return (regex if anchored else f"(?:.*/)?{regex}"), negated, directories_only


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
