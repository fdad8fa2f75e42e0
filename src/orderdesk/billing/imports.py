"""Import format of open receivables: the opening balances of the customer ledger.

When a desk moves to OrderDesk, its customers already owe money; the credit check must see
it from the first order. Each row is one open invoice (positive) or credit memo (negative)
of a customer, known by customer and document number, so a fresh extract from the previous
system can be loaded again: what is unchanged stays, a paid-down open amount is updated.
"""

from __future__ import annotations

from decimal import Decimal

from orderdesk.core.importing import KEEP, Column, Context, Ref, Row, Spec, register
from orderdesk.core.roles import Capability
from orderdesk.parties.imports import currency_check
from orderdesk.parties.models import Customer

from .models import Receivable

ZERO = Decimal(0)


def _check_receivable(row: Row, ctx: Context) -> None:
    v = row.values
    customer = row.extra.get("customer")
    if customer is not None:
        if "currency" not in v:
            v["currency"] = customer["currency"]
        elif v["currency"] != customer["currency"]:
            row.error(
                "currency",
                f"customer {row.texts['customer']} buys in {customer['currency']}; an item in "
                f"{v['currency']} would not count toward its credit exposure",
                f"convert the amount to {customer['currency']}, or leave currency blank",
            )
    if row.has("amount") and "open_amount" not in v:
        v["open_amount"] = v["amount"]
    if row.has("document_date", "due_date") and v["due_date"] < v["document_date"]:
        row.error(
            "due_date",
            f"due {v['due_date']}, before the document date {v['document_date']}",
            "give a due date on or after the document date",
        )
    if not row.has("amount", "open_amount"):
        return
    amount, open_amount = v["amount"], v["open_amount"]
    if amount == ZERO:
        row.error("amount", "the amount is 0", "give the invoice (or credit memo, negative) amount")
    elif open_amount * amount < ZERO or abs(open_amount) > abs(amount):
        kind = "invoice" if amount > ZERO else "credit memo"
        row.error(
            "open_amount",
            f"{open_amount} cannot be open on a {kind} of {amount}",
            "give the part still open: between 0 and the amount, with the same sign",
        )


OPEN_RECEIVABLES = Spec(
    name="open_receivables",
    model=Receivable,
    key=("customer", "document_number"),
    entity="receivable",
    order=120,
    help=(
        "Open invoices and credit memos of customers, as the previous system's ledger shows "
        "them: what credit checks count as owed and past due."
    ),
    capability=Capability.CREDIT_EDIT,
    checks=[_check_receivable],
    columns=[
        Column(
            "customer",
            "ref",
            required=True,
            upper=True,
            help="the customer's account number",
            example="C10042",
            ref=Ref(
                Customer,
                ("account_number",),
                "customer",
                "use an account number from the customers import",
                extra=("currency",),
            ),
        ),
        Column(
            "document_number",
            required=True,
            upper=True,
            help="invoice or credit memo number",
            example="INV-2025-0417",
        ),
        Column("document_date", "date", required=True, help="date issued", example="2025-02-03"),
        Column("due_date", "date", required=True, help="date due", example="2025-03-05"),
        Column(
            "currency",
            upper=True,
            check=currency_check,
            default=KEEP,
            help="ISO 4217 (blank = the customer's)",
            example="USD",
        ),
        Column(
            "amount",
            "decimal",
            required=True,
            help="document amount; negative for a credit memo",
            example="4250.00",
        ),
        Column(
            "open_amount",
            "decimal",
            default=KEEP,
            help="the part still open (blank = the whole amount)",
            example="4250.00",
        ),
    ],
)

register(OPEN_RECEIVABLES)
