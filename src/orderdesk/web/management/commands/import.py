"""`orderdesk import TYPE FILE`: load a CSV or XLSX file of master data.

Good rows are saved, bad rows are listed with row and column and written to an error file
that imports cleanly once corrected. The exit status is 1 when any row was refused, so a
script that loads files one after another can stop at the first file that needs a look.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from orderdesk.core.errors import DomainError
from orderdesk.core.importing import get_spec, import_file
from orderdesk.core.tabular import TableError

from .export import print_types

#: Files with fewer rows finish before a progress bar would tell anyone anything.
PROGRESS_FROM_ROWS = 5000
SHOWN_ERRORS = 50


def default_errors_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.errors{source.suffix or '.csv'}")


class Command(BaseCommand):
    help = "Import master data from CSV or XLSX. `orderdesk import --list` shows the types."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("type", nargs="?", help="what the file holds, e.g. customers")
        parser.add_argument("file", nargs="?", help="the .csv or .xlsx file")
        parser.add_argument("--list", action="store_true", help="list the types and exit")
        parser.add_argument(
            "--errors",
            metavar="OUT",
            help="where to write the rows with errors "
            "(default: FILE.errors.csv or .xlsx beside the file)",
        )
        parser.add_argument("--user", metavar="USERNAME", help="import as this user")
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            print_types(self.stdout)
            return
        if not options["type"] or not options["file"]:
            raise CommandError("give the type and the file: orderdesk import customers FILE.csv")
        try:
            spec = get_spec(options["type"])
        except KeyError as exc:
            raise CommandError(exc.args[0]) from exc
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user named {options['user']}")
        errors_to = Path(options["errors"]) if options["errors"] else default_errors_path(source)
        bar: tqdm[Any] | None = None

        def progress(done: int, total: int | None) -> None:
            nonlocal bar
            if bar is None:
                big = (total or 0) >= PROGRESS_FROM_ROWS
                bar = tqdm(total=total, unit="rows", disable=not big, file=sys.stderr)
            bar.update(done)

        try:
            result = import_file(
                spec,
                source,
                actor=actor,
                dry_run=options["dry_run"],
                errors_to=errors_to,
                batch_size=options["batch_size"],
                progress=progress,
            )
        except TableError as exc:
            raise CommandError(f"{exc.message}. {exc.fix}") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        finally:
            if bar is not None:
                bar.close()
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        for error in result.errors[:SHOWN_ERRORS]:
            self.stderr.write(str(error))
        if len(result.errors) > SHOWN_ERRORS:
            more = len(result.errors) - SHOWN_ERRORS
            self.stderr.write(f"… and {more} more errors: see {result.error_file}")
        style = self.style.ERROR if result.failed_rows else self.style.SUCCESS
        self.stdout.write(style(result.summary()))
        if result.failed_rows:
            raise CommandError("some rows were not imported", returncode=1)
