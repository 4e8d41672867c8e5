from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A directory for a project; tests write it with `tests.helpers.write_files`."""
    return tmp_path / "project"
