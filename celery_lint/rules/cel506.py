"""CEL506: late acknowledgement with a prefetch multiplier above 1."""

from __future__ import annotations

from collections.abc import Iterator

from celery_lint.findings import Finding
from celery_lint.project import Project, Settings
from celery_lint.project.settings_names import config_files
from celery_lint.registry import Example, Rule, register
from celery_lint.rules._effective import Value, value, written

COMMAND_LINE = "--prefetch-multiplier"
#: `worker_disable_prefetch` (Redis only) is new in Celery 5.6 (`celery/worker/consumer/tasks.py`)
DISABLE_PREFETCH_FROM = (5, 6, 0)


def _multiplier(project: Project, settings: Settings) -> Value | None:
    """The prefetch multiplier when it is above 1 and nothing else limits prefetching."""
    found = value(project, settings, "worker_prefetch_multiplier")
    multiplier = found.only()
    if not isinstance(multiplier, int) or isinstance(multiplier, bool) or multiplier <= 1:
        return None
    target = project.celery_version
    if target is not None and target.version < DISABLE_PREFETCH_FROM:
        return found  # an older Celery does not know worker_disable_prefetch: it changes nothing
    disabled = value(project, settings, "worker_disable_prefetch")
    if not disabled.is_default and disabled.only() is not False:
        return None
    return found


def _command_line(project: Project) -> bool:
    return any(COMMAND_LINE in (project.text(path) or "") for path in config_files(project))


def check(project: Project) -> Iterator[Finding]:
    late = list(written(project, "task_acks_late"))
    if not late or _command_line(project):
        return
    for settings, acks in late:
        if acks.only() is not True or acks.path is None:
            continue
        prefetch = _multiplier(project, settings)
        if prefetch is None:
            continue
        multiplier = prefetch.only()
        how = "Celery's default" if prefetch.is_default else f"{prefetch.name}"
        yield RULE.finding(
            acks.path, acks.line,
            f"{acks.name} = True with a prefetch multiplier of {multiplier} ({how}): each worker process reserves "
            f"{multiplier} messages and acknowledges none before it has run them, so {multiplier - 1} per process "
            f"wait behind a long task while other workers idle, and a worker that dies hands all of them back; "
            f"set CELERY_WORKER_PREFETCH_MULTIPLIER = 1",
            subject="task_acks_late",
        )


RULE = register(
    Rule(
        code="CEL506",
        severity="W",
        name="acks-late-with-prefetch",
        summary="CELERY_TASK_ACKS_LATE with a prefetch multiplier above 1 (the default is 4): waiting tasks held",
        why="""\
A worker reserves `worker_prefetch_multiplier` x concurrency messages (4 per
process by default). With `task_acks_late`, a message is acknowledged only after
its task has run, so the reservation counts the running tasks and the waiting
ones alike: a process running a long task still holds three more messages, which
no other worker may take while this one is busy. When the worker is killed, the
broker hands back every one of them (and runs the started ones again, which late
acknowledgement is chosen for). Celery's documentation pairs late
acknowledgement with a multiplier of 1: the worker then reserves only the tasks
it runs.

Reported at `CELERY_TASK_ACKS_LATE = True` when the effective multiplier (the
setting, `app.conf`, else Celery's default 4) is above 1. Silent when the worker's
command line in a deployment file sets `--prefetch-multiplier`, and when
`worker_disable_prefetch` (new in Celery 5.6, Redis) is set -- unless the project
targets Celery 5.3 to 5.5, which ignore that setting; with the version unknown it
silences the rule. Prefetching, the multiplier's default (4) and late
acknowledgement are the same on every minor from 5.3 to 5.7.

Off by default: with short tasks the extra reservations cost little, and many
healthy projects run late acknowledgement with the default multiplier; select it
with `--extend-select CEL506` where tasks run long.""",
        bad=Example({"+proj/settings.py": "CELERY_TASK_ACKS_LATE = True\n"}, findings=(("proj/settings.py", "CEL506"),)),
        good=Example({"+proj/settings.py": "CELERY_TASK_ACKS_LATE = True\nCELERY_WORKER_PREFETCH_MULTIPLIER = 1\n"}),
        silent_on=(
            "early acknowledgement (the default), or acks_late set per task only",
            "a multiplier of 1 (0, no limit at all, is left alone), from the environment, or on the worker's command line in a deployment file",
            "CELERY_WORKER_DISABLE_PREFETCH set, on Celery 5.6 and later or a version unknown",
            "settings modules named for tests or development",
        ),
        default_enabled=False,
        check_project=check,
    )
)
