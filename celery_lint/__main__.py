import sys

from celery_lint.cli import main

sys.exit(main())
