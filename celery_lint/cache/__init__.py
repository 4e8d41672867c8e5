"""The on-disk cache (issue 19): what a run learnt of each file and of each project,
kept in `.celery_lint_cache/` in the project root (or `cache-dir`) for the next run.

`api` is the engine's interface (a project's `Store` of per-file records and model
answers, see `store`); `replay` answers a run that is exactly one made before
without loading the engine. After one edit, the changed file's checks ask the model
questions whose answers the cache keeps: `answers` (project-level answers, while
their inputs hold) and `summaries` (the modules the model read, by text digest). Nothing is imported here: `replay` is loaded before
anything else of celery-lint.
"""

DIRECTORY = ".celery_lint_cache"
