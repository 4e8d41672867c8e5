"""CEL502: a password written literally in the broker or result backend URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from celery_lint import layout
from celery_lint.findings import Finding
from celery_lint.project import Project
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._effective import written

URL_KEYS = ("broker_url", "broker_read_url", "broker_write_url", "result_backend")
#: RabbitMQ's built-in account, which it refuses from anywhere but localhost: no secret
NO_SECRETS = frozenset({("guest", "guest")})


def has_password(value: Any) -> bool:
    """Whether a URL (or a list, or kombu's `;`-separated fail-over list) names a password."""
    urls = value if isinstance(value, (list, tuple)) else [value]
    for url in urls:
        if not isinstance(url, str):
            continue
        for one in url.split(";"):
            try:
                parts = urlsplit(one.strip())
                password = parts.password
            except ValueError:
                continue
            if parts.netloc and password and (parts.username or "", password) not in NO_SECRETS:
                return True
    return False


def committed(project: Project, path: Path) -> bool:
    """Whether git keeps the file: not ignored by the repository's `.gitignore` files
    (whatever `respect-gitignore` says; a file outside a repository counts as kept)."""
    real = path.resolve()
    return layout.reached(real, [layout.repository_top(project.root).resolve()], respect_gitignore=True)


def check(project: Project) -> Iterator[Finding]:
    for key in URL_KEYS:
        for _, found in written(project, key):
            if found.path is None or not all(has_password(v) for v in found.values):
                continue
            if not committed(project, found.path):
                continue
            yield RULE.finding(
                found.path, found.line,
                f"{found.name} holds a password written in {found.path.name}, a file the repository keeps: "
                f"everyone who can read the code can connect to the "
                f"{'result backend' if key == 'result_backend' else 'broker'} with it; read the URL from the "
                f"environment",
                subject=key,
            )


RULE = register(
    Rule(
        code="CEL502",
        severity="W",
        name="password-in-url",
        summary="a password written literally in CELERY_BROKER_URL or CELERY_RESULT_BACKEND in a committed file",
        why="""\
A broker URL such as `amqp://app:s3cret@rabbit.internal:5672//` in a settings module
puts the password in the repository: every clone, CI log and fork holds it, and
whoever can reach the broker with it can publish tasks (with pickle accepted,
CEL501, run code) or read and delete queued messages. The same holds for the
result backend URL (`db+postgresql://user:password@host/db`) and
`broker_read_url`/`broker_write_url`.

Reported where the URL is written (a settings module a deployment may run, or an
`app.conf` write in the app module), when git keeps that file: a file a
`.gitignore` excludes (`local_settings.py`) is silent. A URL from the environment
(`os.environ["CELERY_BROKER_URL"]`, `env("...")`) is unknown and silent, and so
is RabbitMQ's built-in `guest:guest`, which it accepts from localhost only.

Celery versions: nothing here depends on the Celery version (5.3 to 5.7 read the
URLs the same way): the message names none.""",
        bad=Example(
            {"+proj/settings.py": 'CELERY_BROKER_URL = "amqp://app:s3cret@rabbit.internal:5672//"\n'},
            findings=(("proj/settings.py", "CEL502"),),
        ),
        good=Example({"+proj/settings.py": 'import os\n\nCELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]\n'}),
        silent_on=(
            "URLs from the environment (os.environ[...], os.environ.get(..., default), env(...))",
            "URLs without a password, and RabbitMQ's built-in guest:guest",
            "files git ignores (.gitignore), settings modules named for tests or development, test modules",
        ),
        check_project=check,
    )
)
