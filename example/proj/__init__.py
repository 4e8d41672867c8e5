"""The shop project. Start a worker with: celery -A proj worker -l INFO"""
