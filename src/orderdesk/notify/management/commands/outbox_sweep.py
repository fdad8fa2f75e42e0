"""`orderdesk outbox_sweep`: enqueue delivery of due outbox messages (run from cron/a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from orderdesk.notify.services import outbox_sweep_due


class Command(BaseCommand):
    help = (
        "Enqueue delivery of every pending outbox message that is due, and of every send "
        "whose worker stopped mid-way. Safe to run as often as you like (e.g. every minute)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=1000, help="at most this many messages per run"
        )

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        count = outbox_sweep_due(limit=limit)
        if options["verbosity"] >= 1:
            self.stdout.write(f"outbox sweep: {count} message(s) enqueued for delivery")
