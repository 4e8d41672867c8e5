"""The `celery-lint` console script (and `python -m celery_lint`).

Nothing of the engine is imported before `run()` turns the cyclic collector off:
loading its modules allocates enough to start several collections, which this
short-lived process never needs (the analysis builds no cycles worth reclaiming).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn, TextIO, cast


def run() -> NoReturn:
    """`cli.main()`, then leave at once: freeing a large project's trees object by
    object at interpreter shutdown costs as much as parsing them, and so would one
    last scan of them by the collector."""
    if sys.argv[1:] == ["--version"]:  # what `cli`'s parser prints, without importing the engine
        from celery_lint import __version__

        sys.stdout.write(f"celery-lint {__version__}\n")
        os._exit(0)
    from celery_lint.cache import replay  # a run exactly like an earlier one: its output, no engine

    argv = sys.argv[1:]
    status = replay.replayed(argv)
    if status is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    gc.disable()
    out, err = replay.Recorder(sys.stdout), replay.Recorder(sys.stderr)
    sys.stdout, sys.stderr = cast(TextIO, out), cast(TextIO, err)
    try:
        from celery_lint.cli import main  # after the collector is off

        status = main()
        replay.record(argv, status, out, err)
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left (`celery-lint | head -1`): nothing to say to it
        status = 1
    except KeyboardInterrupt:  # Ctrl-C: one line, and the shell's status for SIGINT
        sys.stderr.write("celery-lint: interrupted\n")
        sys.stderr.flush()
        status = 130
    except ImportError as exc:  # the setting tables are read on first use, wherever that is
        from celery_lint.celery_tables import CeleryNotInstalled  # here: a run that reads none never imports it

        if not isinstance(exc, CeleryNotInstalled):
            raise
        sys.stdout.flush()
        sys.stderr.write(f"celery-lint: error: {exc}\n")
        sys.stderr.flush()
        status = 2
    os._exit(status)
