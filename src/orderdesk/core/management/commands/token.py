"""`orderdesk token USERNAME [--name NAME]`: issue an API token and print it once.

Only the token's SHA-256 is stored, so this is the one moment the raw token can be seen;
the command prints nothing else on stdout, so `TOKEN=$(orderdesk token alice)` works.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from orderdesk.core.audit import event_record
from orderdesk.core.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue a new API bearer token for USERNAME and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="cli", help="what the token is for, e.g. 'EDI gateway' (default: cli)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f"no user named {username!r}; create it first (orderdesk createsuperuser)"
            )
        if not user.is_active:
            raise CommandError(f"user {username!r} is inactive: a token would not authenticate")
        with transaction.atomic():
            token, raw = ApiToken.issue(user, options["name"])
            event_record(
                actor=None,
                obj=token,
                action="apitoken.issued",
                after={"user": user.username, "name": token.name, "prefix": token.prefix},
                reason="orderdesk token",
            )
        self.stdout.write(raw)
        self.stderr.write(
            f"token {token.prefix}… for {user.username} ({user.role}); "
            "send it as 'Authorization: Bearer <token>'"
        )
