"""What a rule's fix works on: one file's exact text, its tokens (tokenize-rt) and a
fresh tree of that text, and the positions between them.

Everything is in the file's own text, as read (line endings, tabs and comments kept;
a BOM is outside it): an edit replaces a span of it, so whatever lies outside the
span stays byte-identical. An ast column is a UTF-8 byte offset in its line, a
token's too: `offset` turns both into offsets of the text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from tokenize_rt import Token, src_to_tokens

from celery_lint.project import Project

NodeT = TypeVar("NodeT", bound=ast.AST)
_LINE_END = re.compile(r"\r\n|\r|\n")


class FixContext:
    def __init__(self, project: Project, path: Path, text: str, tree: ast.Module) -> None:
        self.project = project
        self.path = path
        self.text = text
        self.tree = tree
        self._starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
        first = _LINE_END.search(text)
        self.newline = first.group() if first else "\n"  # the file's own, for inserted lines
        self._tokens: list[Token] | None = None

    @classmethod
    def of(cls, project: Project, path: Path, text: str) -> FixContext | None:
        """None for a file that does not parse: a fix never touches one."""
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return None
        return cls(project, path, text, tree)

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = src_to_tokens(self.text)
        return self._tokens

    # positions

    def offset(self, line: int, col: int) -> int:
        """The text offset of (1-based line, UTF-8 byte column)."""
        start = self._starts[line - 1]
        if col == 0:
            return start
        end = self._starts[line] if line < len(self._starts) else len(self.text)
        return start + len(self.text[start:end].encode("utf-8")[:col].decode("utf-8", "ignore"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def line_start(self, line: int) -> int:
        return self._starts[line - 1]

    def after_line(self, line: int) -> int:
        """The offset just past the line ending of `line` (the text's end for the last)."""
        return self._starts[line] if line < len(self._starts) else len(self.text)

    @property
    def line_count(self) -> int:
        return len(self._starts) if self._starts[-1] < len(self.text) else len(self._starts) - 1

    def line(self, number: int) -> str:
        """Line `number` (1-based) with its line ending; "" past the end."""
        if not 1 <= number <= self.line_count:
            return ""
        return self.text[self._starts[number - 1]:self.after_line(number)]

    def source(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    # nodes and tokens

    def nodes(self, kind: type[NodeT]) -> Iterator[NodeT]:
        for node in ast.walk(self.tree):
            if isinstance(node, kind):
                yield node

    def node_at(self, kind: type[NodeT], line: int, col: int) -> NodeT | None:
        """The outermost node of `kind` starting at (line, col): a finding's position."""
        for node in self.nodes(kind):
            if node.lineno == line and node.col_offset == col:  # type: ignore[attr-defined]
                return node
        return None

    def token_index(self, line: int, col: int) -> int | None:
        """The index of the token at (line, UTF-8 column), if one starts there."""
        for index, token in enumerate(self.tokens):
            if token.line == line and token.utf8_byte_offset == col:
                return index
        return None

    def token_offset(self, index: int) -> int:
        token = self.tokens[index]
        assert token.line is not None and token.utf8_byte_offset is not None
        return self.offset(token.line, token.utf8_byte_offset)

    def next_token(self, index: int, src: str | None = None, name: str | None = None) -> int | None:
        """The index of the first token after `index` with this text (or this kind)."""
        for later in range(index + 1, len(self.tokens)):
            token = self.tokens[later]
            if (src is None or token.src == src) and (name is None or token.name == name):
                return later
        return None

    def assigned(self, name: str) -> bool:
        """Whether this file binds `name` anywhere at module level (a rename's target)."""
        return any(
            isinstance(target, ast.Name) and target.id == name
            for stmt in self.tree.body
            for target in _targets(stmt)
        )


def _targets(stmt: ast.stmt) -> list[ast.expr]:
    if isinstance(stmt, ast.Assign):
        return [t for target in stmt.targets for t in ast.walk(target) if isinstance(t, ast.expr)]
    if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        return [stmt.target]
    return []
