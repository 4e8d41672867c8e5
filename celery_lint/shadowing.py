"""CEL006 in the running process: the module `import celery` gives it is not the library.

A `celery.py` (or a `celery/` package) in a directory that comes before the installed
library on `sys.path` -- the directory of `manage.py`, or one the settings or
`manage.py` insert first, such as the project package itself -- is what every
`from celery import Celery` of the process imports, and the import fails
("cannot import name 'Celery' from partially initialized module 'celery'"). The
answer comes from the import system's own search (`PathFinder`, or the module already
loaded), compared with the installed distribution (`celery_tables.installed_package`);
nothing is imported.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from importlib.machinery import PathFinder
from pathlib import Path

from celery_lint import celery_tables


@lru_cache(maxsize=1)
def shadowing_module() -> Path | None:
    """The file `import celery` loads in this process when it is not the installed
    Celery (None: it is, or no Celery is installed to tell)."""
    loaded = sys.modules.get("celery")
    if loaded is not None:
        origin = getattr(loaded, "__file__", None)
    else:
        try:
            spec = PathFinder.find_spec("celery", sys.path)
        except (ImportError, ValueError):
            return None
        origin = spec.origin if spec is not None and spec.has_location else None
    installed = celery_tables.installed_package()
    if not origin or installed is None:
        return None
    found = Path(origin).resolve()
    return None if found == (installed / "__init__.py").resolve() else found


def shown(path: Path) -> str:
    """The file as the project sees it: relative to the working directory when inside it."""
    try:
        return path.relative_to(Path(os.getcwd()).resolve()).as_posix()
    except ValueError:
        return str(path)
