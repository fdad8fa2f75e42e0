"""`orderdesk export TYPE FILE`: write master data in its import format (.csv or .xlsx).

An export imports again as "unchanged", so it is also the template to edit and load back;
text a spreadsheet would run as a formula is written with a leading apostrophe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orderdesk.core.importing import all_specs, export_file, get_spec


def print_types(out: Any) -> None:
    """The types in load order: a file may name only records loaded before it."""
    for spec in all_specs():
        key = " + ".join(spec.key)
        out.write(f"{spec.name:<20} key: {key:<36} {spec.help}")


class Command(BaseCommand):
    help = "Export master data as CSV or XLSX (by the file's extension), ready to re-import."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("type", nargs="?", help="what to export, e.g. items")
        parser.add_argument("file", nargs="?", help="the .csv or .xlsx file to write")
        parser.add_argument("--list", action="store_true", help="list the types and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            print_types(self.stdout)
            return
        if not options["type"] or not options["file"]:
            raise CommandError("give the type and the file: orderdesk export items items.xlsx")
        try:
            spec = get_spec(options["type"])
        except KeyError as exc:
            raise CommandError(exc.args[0]) from exc
        target = Path(options["file"])
        if target.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(f"{target}: name the file .csv or .xlsx")
        count = export_file(spec, target)
        self.stdout.write(self.style.SUCCESS(f"{count} {spec.name} written to {target}"))
