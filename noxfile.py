"""The support matrix: the test suite against the oldest and the newest supported
Django and Celery, the type check, and the built distributions.

    nox                      every session below
    nox -s oldest newest     the matrix only
    nox -s oldest -- -k cel102   pytest arguments after `--`

`oldest` runs on Python 3.10 (the oldest Python supported too) with Django 4.2,
Celery 5.3, django-celery-results 2.5 and django-celery-beat 2.5; `newest` on the
newest Python here with the newest releases `requires-python`/pins allow (Django 5.2,
Celery 5.7 at the time of writing). nox finds `python3.10` on PATH; with pyenv, put
its 3.10 `bin` directory on PATH first (.ci/run does).
"""

from __future__ import annotations

import nox

nox.options.sessions = ["oldest", "newest", "mypy", "package"]
nox.options.reuse_existing_virtualenvs = True

OLDEST = (
    "django==4.2.*",
    "celery==5.3.*",
    "django-celery-results==2.5.*",
    "django-celery-beat==2.5.*",
)
NEWEST = (
    "django>=5.2,<6",
    "celery>=5.7",
    "django-celery-results>=2.6",
    "django-celery-beat>=2.9",
)


def _suite(session: nox.Session, pins: tuple[str, ...]) -> None:
    constraints = session.create_tmp() + "/constraints.txt"
    with open(constraints, "w", encoding="utf-8") as stream:
        stream.write("\n".join(pins) + "\n")
    session.install("-c", constraints, "-e", ".[test]")
    session.run("python", "-c", "import celery, django; print('Celery', celery.__version__, 'Django', django.__version__)")
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python="3.10")
def oldest(session: nox.Session) -> None:
    """The suite on Python 3.10 with the oldest supported Django and Celery."""
    _suite(session, OLDEST)


@nox.session
def newest(session: nox.Session) -> None:
    """The suite with the newest supported Django and Celery."""
    _suite(session, NEWEST)


@nox.session
def mypy(session: nox.Session) -> None:
    """The typed public API: mypy over the package and the flake8 adapter."""
    session.install("-e", ".[test]", "mypy>=1.10")
    session.run("mypy", "celery_lint", "flake8_plugin")


@nox.session
def package(session: nox.Session) -> None:
    """Build the sdist and wheel and check what they hold (tests/test_packaging.py)."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_packaging.py")
