"""The support matrix: the test suite against each supported Django (the oldest and
the newest Celery around them), the type check, and the built distributions.

    nox                      every session below
    nox -s oldest newest     the ends of the matrix
    nox -s oldest -- -k cel102   pytest arguments after `--` (`-- -n 2`: on two cores)

| session    | Python | Django | Celery | django-celery-results | django-celery-beat |
| ---------- | ------ | ------ | ------ | --------------------- | ------------------ |
| `oldest`   | 3.10   | 4.2    | 5.3    | 2.5                   | 2.5                |
| `django52` | 3.11   | 5.2    | newest | newest                | newest             |
| `django60` | 3.12   | 6.0    | newest | newest                | newest             |
| `newest`   | 3.13   | 6.1    | newest | newest                | 2.9, see below     |
| `celery_minors` | 3.11 | 5.2 | 5.4, 5.5, 5.6 (the proofs) | newest          | newest             |

Django 6.0 and 6.1 need Python 3.12 or newer. django-celery-beat 2.9.0, the newest
release, declares `Django<6.1` (and no release allows 6.1): `newest` installs it
without its dependencies and installs those itself, Django 6.1 in place of its
`Django<6.1`. nox finds `python3.10` ... `python3.13` on PATH; with pyenv, put its
`bin` directories on PATH first (.ci/run does).
"""

from __future__ import annotations

import sys

import nox

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

nox.options.sessions = ["oldest", "django52", "django60", "newest", "celery_minors", "mypy", "package"]
nox.options.reuse_existing_virtualenvs = True

OLDEST = (
    "django==4.2.*",
    "celery==5.3.*",
    "django-celery-results==2.5.*",
    "django-celery-beat==2.5.*",
)
NEWEST_CELERY = (
    "celery>=5.7",
    "django-celery-results>=2.6",
)
DJANGO52 = ("django==5.2.*", *NEWEST_CELERY, "django-celery-beat>=2.9")
DJANGO60 = ("django==6.0.*", *NEWEST_CELERY, "django-celery-beat>=2.9")
DJANGO61 = ("django==6.1.*", *NEWEST_CELERY)
#: for `-- -n 2` (.ci/run runs the sessions on both cores)
XDIST = "pytest-xdist>=3"
#: django-celery-beat 2.9.0's Requires-Dist, less its `Django<6.1,>=2.2`
BEAT_29 = "django-celery-beat==2.9.*"
BEAT_29_REQUIRES = (
    "celery>=5.2.3,<6",
    "django-timezone-field>=5.0",
    "tzdata",
    "python-crontab>=2.3.4",
    "cron-descriptor>=1.2.32,<2",
)


def _constraints(session: nox.Session, pins: tuple[str, ...]) -> str:
    path = session.create_tmp() + "/constraints.txt"
    with open(path, "w", encoding="utf-8") as stream:
        stream.write("\n".join(pins) + "\n")
    return path


def _run_suite(session: nox.Session) -> None:
    session.run(
        "python", "-c",
        "from importlib.metadata import version; "
        "print(*(f'{name} {version(name)}' for name in ('django', 'celery', 'django-celery-results', "
        "'django-celery-beat')), sep=', ')",
    )
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *session.posargs)


def _suite(session: nox.Session, pins: tuple[str, ...]) -> None:
    session.install("-c", _constraints(session, pins), "-e", ".[test]", XDIST)
    _run_suite(session)


def _test_requirements(leave_out: str) -> list[str]:
    """The `test` extra of pyproject.toml without the requirement on `leave_out`."""
    with open("pyproject.toml", "rb") as stream:
        extra = tomllib.load(stream)["project"]["optional-dependencies"]["test"]
    return [r for r in extra if not r.startswith(leave_out)]


@nox.session(python="3.10")
def oldest(session: nox.Session) -> None:
    """The suite on Python 3.10 with the oldest supported Django and Celery."""
    _suite(session, OLDEST)


@nox.session(python="3.11")
def django52(session: nox.Session) -> None:
    """The suite with Django 5.2 (LTS) and the newest Celery."""
    _suite(session, DJANGO52)


@nox.session(python="3.12")
def django60(session: nox.Session) -> None:
    """The suite with Django 6.0 and the newest Celery."""
    _suite(session, DJANGO60)


@nox.session(python="3.13")
def newest(session: nox.Session) -> None:
    """The suite with the newest supported Django (6.1) and Celery; django-celery-beat
    with its requirements but not its cap on Django."""
    session.install(
        "-c", _constraints(session, DJANGO61), "-e", ".", *_test_requirements("django-celery-beat"), *BEAT_29_REQUIRES,
        XDIST,
    )
    session.install("--no-deps", BEAT_29)
    _run_suite(session)


#: the Celery minors between the ends of the matrix (5.3 runs in `oldest`, 5.7 in the others)
MIDDLE_CELERY_MINORS = ("5.4", "5.5", "5.6")


@nox.session(python="3.11")
@nox.parametrize("celery", MIDDLE_CELERY_MINORS)
def celery_minors(session: nox.Session, celery: str) -> None:
    """The proofs (and the rules whose message follows the Celery version) on each
    Celery minor the ends of the matrix leave out: old names flip at 5.7, settings
    arrive in 5.4, 5.5, 5.6 (CEL105), delay_on_commit in 5.4, apply_async refuses a
    task's soft limit above its hard one from 5.5 (CEL504), worker_disable_prefetch in
    5.6 (CEL506), the startup-retry warning narrows at 5.5 (CEL516)."""
    pins = ("django==5.2.*", f"celery=={celery}.*", "django-celery-results>=2.5", "django-celery-beat>=2.5")
    session.install("-c", _constraints(session, pins), "-e", ".[test]", XDIST)
    _run_suite_of(session, ("tests/proof", "tests/test_cel102.py", "tests/test_cel105.py", "tests/test_cel002.py",
                            "tests/test_cel503_504.py", "tests/test_cel506.py", "tests/test_cel516.py"))


def _run_suite_of(session: nox.Session, paths: tuple[str, ...]) -> None:
    session.run("python", "-c", "import celery; print('celery', celery.__version__)")
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *session.posargs, *paths)


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
