"""MkDocs hook: the rule pages are generated from the rule registry at build time.

`rules/index.md`, `rules/base-project.md` and one `rules/CELxxx.md` per registered
rule are rendered by `celery_lint.rule_docs` (the same rendering as
`celery-lint --explain`) and listed in the nav under "Rules"; `front-ends.md` too.
`css/pygments.css` styles the code Pygments highlights at build time.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# Document the checkout's code, whatever version of celery-lint is installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mkdocs.structure.files import File, Files  # noqa: E402

from celery_lint import rule_docs  # noqa: E402

RULES_NAV = "Rules"


def on_config(config: Any) -> Any:
    """Expand the nav's "Rules" entry into the index and one page per rule."""
    pages = [{"Overview": "rules/index.md"}, {"The base project": f"rules/{rule_docs.BASE_PAGE}"}]
    pages += [{rule.code: f"rules/{rule.code}.md"} for rule in rule_docs.rules()]
    config.nav = [{RULES_NAV: pages} if entry == {RULES_NAV: "rules/index.md"} else entry for entry in config.nav]
    return config


def on_files(files: Files, config: Any) -> Files:
    for path, text in rule_docs.pages().items():
        files.append(File.generated(config, path, content=text))
    files.append(File.generated(config, "css/pygments.css", content=pygments_css()))
    return files


def pygments_css() -> str:
    """The colours of the code blocks codehilite marks up at build time (no CDN)."""
    from pygments.formatters import HtmlFormatter

    return str(HtmlFormatter(style="default").get_style_defs(".codehilite"))
