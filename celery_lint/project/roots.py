"""Where the project runs from: a `manage.py` inside the package it names
(`proj/manage.py` setting "proj.settings") runs as `python -m proj.manage` from the
parent, which is then the directory module names count from and `proj/` no import root.

Python puts the script's own directory on `sys.path`, so `python proj/manage.py`
cannot import `proj` unless the script's start-up code puts the parent on `sys.path`
itself; then both directories are import roots, and proj/ is first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from celery_lint.project import settings_names, startup

if TYPE_CHECKING:
    from celery_lint.project.core import Project


def package_parent(project: Project) -> Path | None:
    """The parent of the project root when `manage.py` sits inside a package it names,
    the settings module being found from the parent only. Read from the text (string
    literals): module names, and so parsing, depend on it."""
    root = project.root
    if not project.has_manage or not (root / "__init__.py").is_file() or not root.name.isidentifier():
        return None
    for name in _literal_settings(project):
        if name.startswith(root.name + ".") and project.resolve(name, [root]) is None:
            if project.resolve(name, [root.parent]) is not None:
                return root.parent
    return None


def root_on_path(project: Project) -> bool:
    """Whether the project root is on `sys.path` when the project runs: always, but when
    `manage.py` inside its package (`package_parent`) cannot run as a script, its
    start-up code adding no directory the settings module is found from."""
    if project.package_parent is None:
        return True
    manage = startup.read(project, project.root / "manage.py")
    directories = [startup.directory(project.root, value) for value in manage.sys_path]
    names = _literal_settings(project) + manage.settings
    return any(d is not None and project.resolve(n, [d]) for d in directories for n in names)


def _literal_settings(project: Project) -> list[str]:
    return settings_names.PY_DSM_RE.findall(project.text(project.root / "manage.py") or "")
