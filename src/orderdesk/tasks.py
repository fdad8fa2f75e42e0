"""Where background tasks are listed: each app defines its tasks in its own `tasks.py`.

Tasks run through the Tasks API (django-tasks, the backport of Django 6's django.tasks) on
the database backend: `orderdesk worker` runs them, beside the demo server or on other
machines pointing at the same database. See docs/operations.md.
"""

from orderdesk.notify.tasks import outbox_deliver, outbox_sweep

__all__ = ["outbox_deliver", "outbox_sweep"]
