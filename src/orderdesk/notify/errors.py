"""Error codes of the outbox, and the delivery errors a channel raises."""

from __future__ import annotations

from enum import StrEnum

from orderdesk.core.errors import Conflict, Invalid


class NotifyErrorCode(StrEnum):
    RECIPIENT_INVALID = "recipient_invalid"
    CHANNEL_INVALID = "channel_invalid"
    ATTACHMENT_INVALID = "attachment_invalid"
    NOT_FAILED = "not_failed"


class NotifyError(Invalid):
    """A message refused before it was written (422)."""


class NotifyStateError(Conflict):
    """The message's status does not allow this (409)."""


class DeliveryError(Exception):
    """A send failed; the message is tried again later (with backoff) until max_attempts."""

    permanent = False


class ChannelNotConfigured(DeliveryError):
    """This installation has no provider for the channel: retrying cannot help."""

    permanent = True
