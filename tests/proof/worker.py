"""A real worker for the proofs: a message sent from one process, received by a real
`celery worker` (solo pool) in another, through a filesystem broker in the project."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.helpers import BIN, clean_env, run_python

# markers of the worker's log that end the wait: the message was handled, one way or another
DONE = ("Received unregistered task", "succeeded in", "raised unexpected", "Received task")


def use_filesystem_broker(root: Path) -> Path:
    """Point the project's settings at a filesystem broker in `root/broker` (in = out),
    polled every 0.1 s (kombu's default is 1 s: most of a proof's wait)."""
    folder = root / "broker"
    folder.mkdir(exist_ok=True)
    with (root / "proj/settings.py").open("a", encoding="utf-8") as settings:
        settings.write(
            f'\nCELERY_BROKER_URL = "filesystem://"\nCELERY_BROKER_TRANSPORT_OPTIONS = {{"data_folder_in": '
            f'"{folder}", "data_folder_out": "{folder}", "polling_interval": 0.1}}\nCELERY_RESULT_BACKEND = None\n'
        )
    return folder


def send(root: Path, task_name: str, args: tuple[object, ...] = ()) -> None:
    """Send `task_name` by name from a fresh process, as beat or another service does."""
    code = f"""\
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django
django.setup()
from proj.celery import app
app.send_task({task_name!r}, args={list(args)!r})
"""
    result = run_python(code, root)
    assert result.returncode == 0, result.stderr[-3000:]


def worker_log(root: Path, until: tuple[str, ...] = DONE, timeout: float = 60) -> str:
    """Run `celery -A proj worker -P solo` in `root` until its log shows one of `until`
    (then a second more, for the lines that follow), and return the log."""
    command = [str(BIN / "celery"), "-A", "proj", "worker", "-P", "solo", "-l", "info", "--without-heartbeat",
               "--without-mingle", "--without-gossip"]
    log = root / "worker.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=root, env=clean_env(), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline and process.poll() is None:
                if any(marker in log.read_text(encoding="utf-8") for marker in until):
                    time.sleep(1)
                    break
                time.sleep(0.2)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    return log.read_text(encoding="utf-8")
