"""Background tasks of the EDI gateway and intake (run by `orderdesk worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def edi_document_send(document_id: int) -> str:
    """Build and send one queued outbound document (enqueued on commit of its source)."""
    from .outbound import edi_document_send_by_id

    return edi_document_send_by_id(document_id=document_id)


@task()
def edi_outbound_sweep() -> int:
    """Send queued outbound documents whose enqueue was lost; run periodically."""
    from .outbound import outbound_sweep

    return outbound_sweep()


@task()
def edi_stored_file_process(path: str, source: str) -> str:
    """Process an uploaded X12 file kept in storage (the upload endpoint enqueues this)."""
    from .inbound import stored_file_process

    return stored_file_process(path=path, source=source)


@task()
def edi_dropbox_poll() -> int:
    """Take in every file waiting in the partners' inbox folders."""
    from .transport import dropbox_poll

    return dropbox_poll().files


@task()
def intake_mailbox_poll() -> int:
    """Fetch new messages from the configured intake mailbox (ORDERDESK_INTAKE_IMAP_URL)."""
    from .mailbox import mailbox_poll_configured

    return mailbox_poll_configured()
