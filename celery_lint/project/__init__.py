"""The project model (see `core`), and the names rules import from it."""

from celery_lint.project.celery_apps import (
    CELERY_CLASSES,
    DJANGO_CONFIG_STRING,
    DJANGO_CONFIG_STRINGS,
    DJANGO_SETTINGS_OBJECT,
    SHARED_TASK,
    CeleryApp,
    ConfigCall,
)
from celery_lint.project.core import Project, ProjectOptions
from celery_lint.project.modules import (
    BLOCK_NODES,
    TASK_WORD,
    Decorated,
    Imported,
    SourceModule,
    module_statements,
    modules_loaded,
    source_lines,
    walk_all,
    walk_blocks,
    walk_pruned,
)
from celery_lint.project.settings import Settings

__all__ = [
    "BLOCK_NODES",
    "CELERY_CLASSES",
    "DJANGO_CONFIG_STRING",
    "DJANGO_CONFIG_STRINGS",
    "DJANGO_SETTINGS_OBJECT",
    "SHARED_TASK",
    "TASK_WORD",
    "CeleryApp",
    "ConfigCall",
    "Decorated",
    "Imported",
    "Project",
    "ProjectOptions",
    "Settings",
    "SourceModule",
    "module_statements",
    "modules_loaded",
    "source_lines",
    "walk_all",
    "walk_blocks",
    "walk_pruned",
]
