"""Users with roles, API tokens, document number sequences and the audit event log."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import Role


class User(AbstractUser):
    """A person using OrderDesk. Portal users belong to exactly one customer account."""

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.ORDER_CLERK)
    customer = models.ForeignKey(
        "parties.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_users",
        help_text="Only for portal users: the customer account whose records they see.",
    )
    timezone = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="portal") | models.Q(customer__isnull=False),
                name="portal_user_has_customer",
            )
        ]

    @property
    def is_portal(self) -> bool:
        return self.role == Role.PORTAL


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored, the raw token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        raw = "od_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=_hash_token(raw), prefix=raw[:8])
        return token, raw

    @classmethod
    def lookup(cls, raw: str) -> ApiToken | None:
        return (
            cls.objects.select_related("user")
            .filter(key_hash=_hash_token(raw), revoked=False, user__is_active=True)
            .first()
        )

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class DocumentSequence(models.Model):
    """The next number for one document type; updated under a row lock, never a DB sequence.

    A database sequence skips numbers on rollback; this row is updated in the same transaction
    as the document, so a rolled-back document gives its number back: no gaps.
    """

    doc_type = models.CharField(max_length=32, unique=True)
    prefix = models.CharField(max_length=16)
    padding = models.PositiveSmallIntegerField(default=6)
    next_value = models.BigIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.doc_type}: next {self.prefix}{self.next_value:0{self.padding}d}"


class Event(models.Model):
    """One state change: who, when, what, before and after, why. Append-only (DB triggers)."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(max_length=150)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=200, blank=True, default="")
    action = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["action", "at"]),
        ]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"
