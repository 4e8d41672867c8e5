"""The built docs site: it builds, every internal link resolves, nothing is loaded from
the network (code is highlighted at build time), none of the rendering faults is
back (a literal `\\|`, `\\<`, an empty code block), and headless Chromium renders
the pages (screenshots; skipped where Chromium is not installed)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from celery_lint import rule_docs
from celery_lint.registry import REGISTRY
from celery_lint.rules import load_rules

REPO = Path(__file__).resolve().parent.parent
load_rules()
LONGEST_TITLE = max(REGISTRY, key=lambda rule: len(rule.summary)).code
SCREENSHOTS = ["index.html", f"rules/{LONGEST_TITLE}/index.html", "rules/CEL102/index.html", "configuration/index.html"]
CHROMIUM = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)


class Page(HTMLParser):
    """The links, ids, scripts and stylesheets of one HTML page, and its code blocks' text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.loaded: list[str] = []  # script src, stylesheet href
        self.code_blocks: list[str] = []
        self._in_pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "a" and "href" in found:
            self.links.append(found["href"])
        if tag == "img" and "src" in found:
            self.links.append(found["src"])
        if tag == "script" and "src" in found:
            self.loaded.append(found["src"])
        if tag == "link" and "href" in found:
            self.links.append(found["href"])
            if "stylesheet" in found.get("rel", ""):
                self.loaded.append(found["href"])
        if tag == "pre":
            self._in_pre += 1
            self.code_blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._in_pre -= 1

    def handle_data(self, data: str) -> None:
        if self._in_pre:
            self.code_blocks[-1] += data


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    pytest.importorskip("mkdocs")
    site = tmp_path_factory.mktemp("docs") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO / "mkdocs.yml"),
         "--site-dir", str(site)],
        cwd=site.parent, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[Path, Page]:
    parsed = {}
    for path in sorted(site.rglob("*.html")):
        page = Page()
        page.feed(path.read_text(encoding="utf-8"))
        parsed[path] = page
    return parsed


def is_external(link: str) -> bool:
    return bool(urlsplit(link).scheme) or link.startswith("//")


def target(site: Path, page: Path, link: str) -> Path:
    path = unquote(urlsplit(link).path)
    if path.startswith("/"):  # 404.html links from the site's root, wherever it is served
        found = (site / path.lstrip("/")).resolve()
    else:
        found = (page.parent / path).resolve() if path else page
    return found / "index.html" if found.is_dir() else found


def test_the_site_has_every_page(site: Path):
    for rule in REGISTRY:
        assert rule.django_id in (site / "rules" / rule.code / "index.html").read_text(encoding="utf-8")
    for page in ("editors", "front-ends", "getting-started", "configuration", "ci"):
        assert (site / page / "index.html").is_file(), page


def test_every_internal_link_resolves(site: Path, pages: dict[Path, Page]):
    broken = []
    for path, page in pages.items():
        for link in page.links:
            if is_external(link) or link.startswith("mailto:"):
                continue
            found = target(site, path, link)
            fragment = urlsplit(link).fragment
            if not found.is_file():
                broken.append(f"{path.relative_to(site)}: {link} (no {found})")
            elif fragment and found.suffix == ".html" and fragment not in pages[found].ids:
                broken.append(f"{path.relative_to(site)}: {link} (no id {fragment!r})")
    assert not broken, "\n".join(broken)
    assert sum(len(page.links) for page in pages.values()) > 500  # the rule pages link to each other


def test_nothing_is_loaded_from_the_network(pages: dict[Path, Page]):
    """No CDN: the code blocks are highlighted at build time (codehilite, Pygments)."""
    remote = {f"{path.name}: {src}" for path, page in pages.items() for src in page.loaded if is_external(src)}
    assert not remote, remote


def test_code_is_highlighted_at_build_time(site: Path):
    html = (site / "rules" / "CEL203" / "index.html").read_text(encoding="utf-8")
    assert 'class="codehilite"' in html and '<span class="k">def</span>' in html
    assert ".codehilite .k " in (site / "css" / "pygments.css").read_text(encoding="utf-8")


def test_no_rendering_fault_is_back(site: Path, pages: dict[Path, Page]):
    """A backslash escape Markdown does not know shows as it is: `\\|` in a table's
    code span, `\\<` in CEL102's title; and no code block is empty."""
    for path, page in pages.items():
        html = path.read_text(encoding="utf-8")
        assert "\\|" not in html and "\\&lt;" not in html, path
        assert all(block.strip() for block in page.code_blocks), f"an empty code block in {path}"
    cel102 = (site / "rules" / "CEL102" / "index.html").read_text(encoding="utf-8")
    assert "ignored by Celery &lt;= 5.6" in cel102
    assert "<code>--format text|json|sarif|github|gitlab|junit</code>" in (site / "configuration" / "index.html").read_text(
        encoding="utf-8"
    )


def test_a_fix_is_shown_as_a_diff(site: Path):
    html = (site / "rules" / "CEL004" / "index.html").read_text(encoding="utf-8")
    fixed = html[html.index('id="fixed"'):]
    assert '<span class="gd">--- a/proj/__init__.py</span>' in fixed
    assert '<span class="gi">+from .celery import app as celery_app</span>' in fixed


def test_the_front_ends_page_links_every_rule(site: Path, pages: dict[Path, Page]):
    page = pages[site / "front-ends" / "index.html"]
    linked = [link for link in page.links if link.startswith("../rules/CEL")]  # the nav's, then the table's
    expected = [f"../rules/{rule.code}/" for rule in REGISTRY]
    assert linked[-len(expected):] == expected
    assert rule_docs.FRONT_ENDS_PAGE == "front-ends.md"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("page", SCREENSHOTS)
def test_chromium_renders_the_page(site: Path, page: str, tmp_path: Path):
    """A screenshot of the built page, offline (set CELERY_LINT_SCREENSHOTS to a directory
    to keep them)."""
    keep = os.environ.get("CELERY_LINT_SCREENSHOTS")
    out = Path(keep) if keep else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    shot = out / (page.replace("/", "_").removesuffix("_index.html").removesuffix(".html") + ".png")
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars", "--window-size=1280,1600",
        f"--screenshot={shot}", (site / page).as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and shot.is_file(), result.stderr
    assert png_size(shot) == (1280, 1600)
    assert shot.stat().st_size > 20_000, "a blank page"  # text, tables and highlighted code
