"""`orderdesk edi check FILE...` · `orderdesk edi poll [--watch]` · `orderdesk edi mail …`.

`check` validates X12 files with the codec alone (no database); `poll` runs the partners'
file-drop folders; `mail` takes in `.eml` files or an IMAP mailbox. Each sub-command only
parses its arguments and calls the module that does the work.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "EDI gateway: check files, poll partner folders, take in e-mail"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Validate X12 files; one JSON line per file")
        check.add_argument("files", nargs="+")
        poll = sub.add_parser("poll", help="Process files in the partners' inbox folders")
        poll.add_argument("--partner", default="", help="Only this partner code")
        poll.add_argument("--watch", action="store_true", help="Keep polling")
        poll.add_argument("--interval", type=float, default=10.0, help="Seconds between polls")
        mail = sub.add_parser("mail", help="Take in e-mail: .eml files or an IMAP mailbox")
        mail.add_argument("eml", nargs="*", help=".eml files")
        mail.add_argument("--imap", default="", help="imap[s]://user:password@host[:port]/MAILBOX")
        mail.add_argument("--watch", action="store_true", help="Keep polling the mailbox")
        mail.add_argument("--interval", type=float, default=60.0)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "check":
            from orderdesk.edi.codec.check import check_paths

            ok = check_paths(options["files"], out=self.stdout)
            sys.exit(0 if ok else 1)
        if action == "poll":
            from orderdesk.edi.transport import poll_command

            poll_command(
                partner=options["partner"],
                watch=options["watch"],
                interval=options["interval"],
                out=self.stdout,
            )
            return
        from orderdesk.edi.mailbox import mail_command

        mail_command(
            eml=options["eml"],
            imap=options["imap"],
            watch=options["watch"],
            interval=options["interval"],
            out=self.stdout,
        )
