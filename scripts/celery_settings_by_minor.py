"""Write celery_lint/data/celery_settings_by_minor.json: the setting keys of each
supported Celery minor, read from that release's own `celery/app/defaults.py`, and
the keys its code reads with `conf.get(...)` outside that table.

    python scripts/celery_settings_by_minor.py          # downloads each minor's newest wheel

CEL105 (a setting newer than the target Celery) and CEL106 (unknown settings) read the file; tests check it against
the installed Celery's table. Run it again when a Celery minor is added to the support
matrix (MINORS below).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from celery_lint.celery_tables import tables_of

MINORS = ("5.3", "5.4", "5.5", "5.6", "5.7")
OUT = Path(__file__).resolve().parent.parent / "celery_lint" / "data" / "celery_settings_by_minor.json"


# `app.conf.get('result_backend_thread_safe')`: keys Celery reads outside its table
CONF_GET = re.compile(rb"""conf\.get\(\s*['"]([a-z][a-z0-9_]*)['"]""")


def keys_of(minor: str, work: Path) -> tuple[str, list[str], list[str]]:
    """(the release read, its sorted setting keys, the keys its code reads with
    `conf.get` outside the table) for the newest release of `minor`."""
    target = work / minor
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(target), f"celery=={minor}.*"],
        check=True,
    )
    wheel = next(target.glob("celery-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        (target / "defaults.py").write_bytes(archive.read("celery/app/defaults.py"))
        read = {m.decode() for name in archive.namelist() if name.endswith(".py")
                for m in CONF_GET.findall(archive.read(name))}
    tables = tables_of(target / "defaults.py")
    if tables is None:
        raise SystemExit(f"{wheel.name}: celery/app/defaults.py does not build its tables alone")
    return wheel.name.split("-")[1], sorted(tables.SETTING_KEYS), sorted(read - set(tables.SETTING_KEYS))


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        data = {}
        for minor in MINORS:
            release, keys, read = keys_of(minor, Path(work))
            data[minor] = {"release": release, "keys": keys, "read_outside_table": read}
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: " + ", ".join(f"{m} ({d['release']}, {len(d['keys'])} keys)" for m, d in data.items()))


if __name__ == "__main__":
    main()
