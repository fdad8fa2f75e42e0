"""Where background tasks are listed: each app defines its tasks in its own `tasks.py`.

Tasks run through the Tasks API (django-tasks, the backport of Django 6's django.tasks) on
the database backend: `orderdesk worker` runs them, beside the demo server or on other
machines pointing at the same database. See docs/operations.md.
"""

from orderdesk.edi.tasks import (
    edi_document_send,
    edi_dropbox_poll,
    edi_outbound_sweep,
    edi_stored_file_process,
    intake_mailbox_poll,
)
from orderdesk.notify.tasks import outbox_deliver, outbox_sweep

__all__ = [
    "edi_document_send",
    "edi_dropbox_poll",
    "edi_outbound_sweep",
    "edi_stored_file_process",
    "intake_mailbox_poll",
    "outbox_deliver",
    "outbox_sweep",
]
