"""`orderdesk import_orders FILE`: sales orders from a CSV or XLSX file, through intake.

The file is previewed first (the orders it makes, the rows that cannot be read); without
`--preview` the orders are then taken in, each on its own. The rows of orders not taken in
go to an error file that imports cleanly once corrected. The exit status is 1 when any
order was not taken in.

    orderdesk import_orders orders.csv
    orderdesk import_orders acme.xlsx --customer C10042 --preview
    orderdesk import_orders acme.xlsx --customer C10042 --save-mapping default \\
        --map sku="Item No" --map quantity=Qty --map customer_po="PO #"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from orderdesk.core.errors import DomainError
from orderdesk.core.importing_spec import SYSTEM
from orderdesk.orders.file_intake import (
    errors_file_name,
    order_file_errors,
    order_file_import,
    order_file_preview,
)
from orderdesk.orders.mappings import FIELDS, column_mapping_get, column_mapping_save
from orderdesk.orders.models import ColumnMapping, OrderFile
from orderdesk.parties.models import Customer

SHOWN_ERRORS = 50


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in values or []:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"{option} {text}: write it as field=value, e.g. {option} sku=Item")
        out[key.strip()] = value.strip()
    return out


def _where(entry: dict[str, Any]) -> str:
    po = f" PO {entry['customer_po']}" if entry["customer_po"] else " (no PO)"
    first, last = entry["first_row"], entry["last_row"]
    rows = f"row {first}" if first == last else f"rows {first}-{last}"
    return f"order {entry['order']}: {entry['customer'] or '?'}{po}, {rows}"


def _problem(p: dict[str, Any]) -> str:
    column = f", column {p['column']}" if p.get("column") else ""
    fix = f" (fix: {p['fix']})" if p.get("fix") else ""
    return f"  row {p['row']}{column}: {p['message']}{fix}"


class Command(BaseCommand):
    help = "Import sales orders from a CSV or XLSX file (preview, then intake)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the .csv or .xlsx order file")
        parser.add_argument("--customer", metavar="ACCOUNT", help="the file is this customer's")
        parser.add_argument("--mapping", metavar="NAME", help="read it with this saved mapping")
        parser.add_argument(
            "--preview", action="store_true", help="show what would be created, create nothing"
        )
        parser.add_argument(
            "--save-mapping",
            metavar="NAME",
            help="save (or replace) the customer's column mapping NAME from --map and --default, "
            "then read the file with it",
        )
        parser.add_argument(
            "--map",
            action="append",
            metavar="FIELD=HEADER",
            help=f"a field and the file's header for it; fields: {', '.join(FIELDS)}",
        )
        parser.add_argument(
            "--default",
            action="append",
            metavar="FIELD=VALUE",
            help="a value for a field the file does not carry, e.g. ship_method=UPS-GND",
        )
        parser.add_argument("--user", metavar="USERNAME", help="import as this user")
        parser.add_argument(
            "--errors",
            metavar="OUT",
            help="where to write the rows not taken in (default: FILE.errors.csv or .xlsx)",
        )

    verbosity = 1

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        actor: Any = SYSTEM
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user named {options['user']}")
        customer = None
        if options["customer"]:
            customer = Customer.objects.filter(account_number__iexact=options["customer"]).first()
            if customer is None:
                raise CommandError(f"no customer with account number {options['customer']}")
        try:
            self._run(actor, customer, options)
        except DomainError as exc:
            raise CommandError(exc.message + (f" (fix: {exc.fix})" if exc.fix else "")) from exc

    def _run(self, actor: Any, customer: Customer | None, options: dict[str, Any]) -> None:
        mapping: ColumnMapping | None = None
        if options["save_mapping"]:
            mapping = column_mapping_save(
                actor=actor,
                customer=customer,
                name=options["save_mapping"],
                columns=_pairs(options["map"], "--map"),
                defaults=_pairs(options["default"], "--default"),
            )
            whose = customer.account_number if customer else "the house"
            self.stdout.write(f"column mapping {mapping.name} of {whose} saved")
        elif options["map"] or options["default"]:
            raise CommandError("--map and --default go with --save-mapping NAME")
        elif options["mapping"]:
            mapping = column_mapping_get(customer=customer, name=options["mapping"])
        if not options["file"]:
            if options["save_mapping"]:
                return
            raise CommandError("give the file: orderdesk import_orders FILE.csv")
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        order_file = order_file_preview(
            actor=actor,
            data=source.read_bytes(),
            file_name=source.name,
            customer=customer,
            mapping=mapping,
        )
        self._show_preview(order_file)
        if not options["preview"]:
            order_file = order_file_import(actor=actor, order_file=order_file)
            self._show_result(order_file)
        errors = order_file_errors(order_file=order_file)
        target = None
        if errors is not None:
            target = Path(options["errors"] or source.with_name(errors_file_name(order_file)))
            target.write_bytes(errors)
        self._summary(order_file, target, preview=options["preview"])

    def _show_preview(self, order_file: OrderFile) -> None:
        preview = order_file.preview
        used = f"mapping {preview['mapping']}" if preview["mapping"] else "our template"
        self.stdout.write(f"{order_file.file_name}: read with {used} (file #{order_file.pk})")
        for warning in preview["warnings"]:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        shown = 0
        for entry in preview["orders"]:
            ship = f", ship-to {entry['ship_to']}" if entry["ship_to"] else ""
            state = entry["status"].replace("_", " ")
            if entry.get("number"):
                state += f" as {entry['number']}"
            if entry.get("error"):
                state += f": {entry['error']['message']}"
            lines = f"{entry['line_count']} line{'s' if entry['line_count'] != 1 else ''}"
            self.stdout.write(f"{_where(entry)}{ship}: {lines}: {state}")
            if self.verbosity > 1:
                for ln in entry["lines"]:
                    price = f" at {ln['customer_price']}" if ln["customer_price"] else ""
                    qty = ln["quantity"] or "?"
                    self.stdout.write(f"  row {ln['row']}: {ln['sku']} {qty} {ln['uom']}{price}")
            for p in entry["errors"]:
                if shown < SHOWN_ERRORS:
                    self.stderr.write(_problem(p))
                shown += 1
        if shown > SHOWN_ERRORS:
            self.stderr.write(f"… and {shown - SHOWN_ERRORS} more errors: see the error file")

    def _show_result(self, order_file: OrderFile) -> None:
        for entry in order_file.result["orders"]:
            status = entry["status"]
            if status == "not_imported":
                error = entry["error"]
                fix = f" (fix: {error['fix']})" if error.get("fix") else ""
                text = self.style.ERROR(f"not imported: {error['message']}{fix}")
            elif status == "already_received":
                text = f"already received as {entry['number']} ({entry['order_status']})"
            elif status == "held":
                reasons = " ".join(h["message"] for h in entry["holds"])
                text = self.style.WARNING(f"{entry['number']} held: {reasons}")
            else:
                text = self.style.SUCCESS(f"{entry['number']} {entry['order_status']}")
            self.stdout.write(f"{_where(entry)}: {text}")

    def _summary(self, order_file: OrderFile, target: Path | None, *, preview: bool) -> None:
        name = order_file.file_name
        where = f"; rows of orders not taken in written to {target}" if target else ""
        if preview:
            c = order_file.preview["counts"]
            bad = c.get("errors", 0) + c.get("refused", 0)
            text = (
                f"{name}: {c['rows']} rows, {c['orders']} orders: {c.get('ready', 0)} ready, "
                f"{c.get('already_received', 0)} already received, {bad} with errors "
                f"(preview: nothing was created){where}"
            )
            self.stdout.write(self.style.ERROR(text) if bad else self.style.SUCCESS(text))
            return
        c = order_file.result["counts"]
        failed = c.get("not_imported", 0)
        created = c.get("accepted", 0) + c.get("held", 0)
        text = (
            f"{name}: {c['orders']} orders: {created} created ({c.get('accepted', 0)} accepted, "
            f"{c.get('held', 0)} held), {c.get('already_received', 0)} already received, "
            f"{failed} not imported{where}"
        )
        self.stdout.write(self.style.ERROR(text) if failed else self.style.SUCCESS(text))
        if failed:
            raise CommandError("some orders were not imported", returncode=1)
