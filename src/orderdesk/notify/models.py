"""The transactional outbox: messages written with the business change, sent after commit.

pending → sending (a worker claimed it) → sent; a failed attempt goes back to pending with
`next_attempt_at` pushed out, until `max_attempts` is reached: then failed.
"""

from __future__ import annotations

from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    WEBHOOK = "webhook", "Webhook"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending (claimed by a worker)"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (retries exhausted)"


class OutboxMessage(models.Model):
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    to = models.CharField(max_length=500, help_text="Comma-separated addresses")
    subject = models.CharField(max_length=250, blank=True, default="")
    body_text = models.TextField()
    body_html = models.TextField(blank=True, default="")
    attachments = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "[{filename, mimetype, path}] of stored files, or [{filename, mimetype, render, "
            "args}] of documents the worker renders just before sending"
        ),
    )
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While sending: the worker's claim runs out then (a crashed send is retried)",
    )
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.subject}"
