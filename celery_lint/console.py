"""The `celery-lint` console script (and `python -m celery_lint`).

Nothing of the engine is imported before `run()` turns the cyclic collector off:
loading its modules allocates enough to start several collections, which this
short-lived process never needs (the analysis builds no cycles worth reclaiming).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn


def run() -> NoReturn:
    """`cli.main()`, then leave at once: freeing a large project's trees object by
    object at interpreter shutdown costs as much as parsing them, and so would one
    last scan of them by the collector."""
    gc.disable()
    try:
        from celery_lint.cli import main  # after the collector is off

        status = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left (`celery-lint | head -1`): nothing to say to it
        status = 1
    except KeyboardInterrupt:  # Ctrl-C: one line, and the shell's status for SIGINT
        sys.stderr.write("celery-lint: interrupted\n")
        sys.stderr.flush()
        status = 130
    os._exit(status)
