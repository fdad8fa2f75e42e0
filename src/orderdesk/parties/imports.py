"""Import formats of payment terms, customers (with their main bill-to), addresses, contacts
and vendors.

The checks are the services' own (`parties.errors.clean_*`, the same messages), applied per
row before anything is written, so a file can never store what the screens would refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery

from orderdesk.core.importing import (
    KEEP,
    Check,
    Column,
    Context,
    Ref,
    Row,
    Spec,
    apply_upsert,
    domain_check,
    register,
    upsert,
)
from orderdesk.core.roles import Capability
from orderdesk.pricing.models import PriceList

from .errors import clean_country, clean_currency
from .models import Address, AddressKind, Contact, Customer, PaymentTerms, Vendor
from .postal import check_postal_code, normalise_postal_code

HUNDRED = Decimal(100)
MAIN_BILL_TO = "MAIN"

currency_check = domain_check(clean_currency)
country_check = domain_check(clean_country)


def postal_check(row: Row, postal: str, country: str, *, optional_without: str = "") -> None:
    """Check and normalise a postal code against its country (the column names are given).

    With `optional_without`, an address with neither a postal code nor that column (a
    vendor's street) is not checked: a vendor's address is optional, a ship-to's is not.
    """
    if postal not in row.values or country in [c for c, _, _ in row.errors]:
        return
    code = row.values[postal] or ""
    if optional_without and not code and not row.values.get(optional_without):
        return
    land = row.values.get(country) or "US"
    problem = check_postal_code(land, code)
    if problem:
        row.error(postal, problem, f"enter the postal code as the {land} post writes it")
    else:
        row.values[postal] = normalise_postal_code(land, code)


def one_per_group(flag: str, group: Sequence[str], what: str) -> Check:
    """Two rows of one file may not both claim the flag for the same group (two defaults)."""

    def check(row: Row, ctx: Context) -> None:
        if row.values.get(flag) is not True or not row.has(*group):
            return
        seen = ctx.state.setdefault(f"one:{flag}", {})
        first = seen.setdefault(tuple(row.values[g] for g in group), row.number)
        if first != row.number:
            row.error(flag, f"row {first} already makes {what}", f"set {flag} = yes on one row")

    return check


def keep_one(
    ctx: Context,
    model: type[models.Model],
    rows: list[Row],
    *,
    flag: str,
    group: Sequence[str],
    entity: str,
) -> None:
    """The services' "one default per customer and kind": rows that set `flag` demote the rest.

    `flag` is both the column and the field name; `group` are field names on the record.
    """
    claims = [r for r in rows if r.pk is not None and not r.errors and r.values.get(flag) is True]
    if not claims:
        return
    unknown = [r.pk for r in claims if any(g not in r.saved for g in group)]
    stored = {
        pk: tuple(rest)
        for pk, *rest in model._default_manager.filter(pk__in=unknown).values_list("pk", *group)
    }
    winners = {
        stored[r.pk] if r.pk in stored else tuple(r.saved[g] for g in group): r for r in claims
    }
    lookup = {f"{g}__in": {k[i] for k in winners} for i, g in enumerate(group)}
    losers = []
    for pk, *values in model._default_manager.filter(**{flag: True}, **lookup).values_list(
        "pk", *group
    ):
        row = winners.get(tuple(values))
        if row is not None and pk != row.pk:
            losers.append((row, pk))
    model._default_manager.filter(pk__in=[pk for _, pk in losers]).update(**{flag: False})
    for row, pk in losers:
        ctx.event(model, pk, f"{entity}.import_updated", row, {flag: True}, {flag: False})


# --- payment terms -------------------------------------------------------------------------


def _check_terms(row: Row, ctx: Context) -> None:
    v = row.values
    if row.has("discount_days", "net_days") and v["discount_days"] > v["net_days"]:
        row.error(
            "discount_days",
            f"the discount period ({v['discount_days']} days) ends after the due date "
            f"({v['net_days']} days)",
            "make discount days at most the net days",
        )
    if (
        row.has("discount_days", "discount_percent")
        and v["discount_days"]
        and not v["discount_percent"]
    ):
        row.error(
            "discount_percent",
            "discount days are set but the discount percent is 0",
            "enter the discount percent, or set discount days to 0",
        )


PAYMENT_TERMS = Spec(
    name="payment_terms",
    model=PaymentTerms,
    key=("code",),
    entity="payment_terms",
    order=10,
    help="Payment terms customers and vendors refer to, such as NET30 or 2/10 net 30.",
    capability=Capability.MASTER_DATA_EDIT,
    checks=[_check_terms],
    columns=[
        Column("code", required=True, upper=True, help="terms code", example="2-10-NET30"),
        Column("description", required=True, help="what the terms say", example="2% 10, net 30"),
        Column("net_days", "int", help="days until the invoice is due (blank = 30)", example="30"),
        Column(
            "discount_percent",
            "decimal",
            maximum=HUNDRED,
            minimum=Decimal(0),
            help="early-payment discount in percent (blank = 0)",
            example="2",
        ),
        Column("discount_days", "int", help="days the discount applies (blank = 0)", example="10"),
    ],
)


# --- customers -----------------------------------------------------------------------------

BILL_TO = ("bill_to_line1", "bill_to_line2", "bill_to_city", "bill_to_region")
BILL_TO_ALL = (*BILL_TO, "bill_to_postal_code", "bill_to_country")


def _has_bill_to(row: Row) -> bool:
    return any(row.texts.get(c) for c in BILL_TO_ALL)


def _check_customer(row: Row, ctx: Context) -> None:
    v = row.values
    if v.get("tax_exempt") and not (v.get("exemption_certificate") or "").strip():
        row.error(
            "exemption_certificate",
            "a tax-exempt customer needs an exemption certificate number",
            "enter the certificate number from the customer's exemption form",
        )
    if _has_bill_to(row):
        for column in ("bill_to_line1", "bill_to_city"):
            if not row.texts.get(column):
                row.error(column, f"{column} is empty", "a bill-to needs a street and a city")
        postal_check(row, "bill_to_postal_code", "bill_to_country")


def _check_price_list_currency(rows: list[Row]) -> None:
    """A customer's price list is in the currency the customer buys in (the stored one when
    the file has no currency column, USD for a new customer)."""
    need = [r for r in rows if r.extra.get("price_list") and "currency" not in r.values]
    stored = dict(
        Customer.objects.filter(
            account_number__in=[r.values["account_number"] for r in need]
        ).values_list("account_number", "currency")
    )
    for row in rows:
        price_list = row.extra.get("price_list")
        if not price_list:
            continue
        currency = row.values.get("currency") or stored.get(row.values["account_number"], "USD")
        if price_list["currency"] != currency:
            row.error(
                "price_list",
                f"price list {row.texts['price_list']} is in {price_list['currency']}, "
                f"the customer buys in {currency}",
                f"choose a price list in {currency}, or change the currency",
            )


def _apply_customers(ctx: Context, rows: list[Row]) -> None:
    """The customer, then its main bill-to: the first bill-to a customer has is its default."""
    _check_price_list_currency(rows)
    rows = [r for r in rows if not r.errors]
    apply_upsert(ctx, rows)
    with_address = [r for r in rows if r.pk is not None and not r.errors and _has_bill_to(r)]
    if not with_address:
        return
    ids = {r.pk for r in with_address}
    has_default = set(
        Address.objects.filter(customer_id__in=ids, kind=AddressKind.BILL_TO, is_default=True)
        .exclude(code=MAIN_BILL_TO)
        .values_list("customer_id", flat=True)
    )
    entries = [
        (
            r,
            {
                "customer_id": r.pk,
                "kind": AddressKind.BILL_TO.value,
                "code": MAIN_BILL_TO,
                **ctx.spec.record(r, "bill_to"),
            },
        )
        for r in with_address
    ]
    upsert(
        ctx,
        Address,
        ("customer_id", "kind", "code"),
        entries,
        entity="address",
        on_create=lambda r, v: {
            "name": r.values.get("name") or r.texts.get("account_number", ""),
            "is_default": v["customer_id"] not in has_default,
        },
    )


def _customers_export() -> models.QuerySet[Any]:
    main = Address.objects.filter(
        customer=OuterRef("pk"), kind=AddressKind.BILL_TO, code=MAIN_BILL_TO
    )
    fields = {c: c.removeprefix("bill_to_") for c in BILL_TO_ALL}
    return Customer.objects.annotate(
        **{f"x_{c}": Subquery(main.values(f)[:1]) for c, f in fields.items()}
    )


def _bill_to(name: str, help: str, example: str, **kw: Any) -> Column:
    return Column(
        name,
        field=name.removeprefix("bill_to_"),
        part="bill_to",
        help=help,
        example=example,
        export=f"x_{name}",
        **kw,
    )


CUSTOMERS = Spec(
    name="customers",
    model=Customer,
    key=("account_number",),
    entity="customer",
    order=20,
    help=(
        "Customer accounts. The optional bill_to_* columns keep the customer's main bill-to "
        f"address (code {MAIN_BILL_TO}); more addresses go through the addresses type."
    ),
    capability=Capability.MASTER_DATA_EDIT,
    parts={"bill_to": Address},
    field_capabilities={
        "credit_limit": Capability.CREDIT_EDIT,
        "discount_percent": Capability.PRICING_EDIT,
    },
    checks=[_check_customer],
    apply=_apply_customers,
    export_queryset=_customers_export,
    columns=[
        Column(
            "account_number",
            required=True,
            upper=True,
            help="the customer's account number",
            example="C10042",
            aliases=("account", "customer", "customer_number"),
        ),
        Column("name", required=True, help="the customer's name", example="Acme Heating & Air"),
        Column("status", help="active, on_hold or closed (blank = active)", example="active"),
        Column(
            "currency",
            upper=True,
            check=currency_check,
            help="ISO 4217 code the customer buys in (blank = USD)",
            example="USD",
        ),
        Column(
            "payment_terms",
            "ref",
            required=True,
            upper=True,
            help="payment terms code",
            example="NET30",
            ref=Ref(
                PaymentTerms, ("code",), "payment terms", "use a code from the payment_terms import"
            ),
        ),
        Column(
            "credit_limit",
            "decimal",
            minimum=Decimal(0),
            help="credit limit in the customer's currency (blank = 0)",
            example="25000",
        ),
        Column("tax_id", help="tax or VAT number", example="36-1234567"),
        Column("tax_exempt", "bool", help="yes if exempt from sales tax", example="no"),
        Column(
            "exemption_certificate",
            help="exemption certificate number (needed if exempt)",
            example="",
        ),
        Column(
            "price_list",
            "ref",
            help="price list code (blank = none)",
            example="LIST",
            ref=Ref(
                PriceList,
                ("code",),
                "price list",
                "use a code from price_lists",
                extra=("currency",),
            ),
        ),
        Column(
            "discount_percent",
            "decimal",
            minimum=Decimal(0),
            maximum=HUNDRED,
            help="standing discount in percent",
            example="0",
        ),
        Column("service_tier", help="standard, silver, gold or platinum", example="standard"),
        Column("email", "email", help="accounts e-mail", example="ap@acme-hvac.example.com"),
        Column("phone", help="main phone number", example="+1 312 555 0100"),
        Column("delivery_instructions", help="shown on every order", example="Dock 3, 7-15h"),
        Column("notes", help="internal notes", example=""),
        _bill_to("bill_to_line1", "main bill-to street", "100 Main St"),
        _bill_to("bill_to_line2", "second address line", "Suite 200"),
        _bill_to("bill_to_city", "city", "Springfield"),
        _bill_to("bill_to_region", "state or province", "IL", upper=True),
        _bill_to("bill_to_postal_code", "postal code, checked for the country", "62701"),
        _bill_to(
            "bill_to_country",
            "ISO 3166 country (blank = US)",
            "US",
            upper=True,
            check=country_check,
        ),
    ],
)


# --- addresses -----------------------------------------------------------------------------


def _check_address(row: Row, ctx: Context) -> None:
    postal_check(row, "postal_code", "country")
    if row.values.get("is_default") and row.values.get("active") is False:
        row.error(
            "is_default",
            "an inactive address cannot be the default",
            "make the address active, or choose another default",
        )


def _apply_addresses(ctx: Context, rows: list[Row]) -> None:
    """New addresses: the first of its kind becomes the default, as the services do."""
    keys = {(r.values["customer"], r.values["kind"]) for r in rows}
    has_any = set(
        Address.objects.filter(
            customer_id__in={k[0] for k in keys}, kind__in={k[1] for k in keys}
        ).values_list("customer_id", "kind")
    )

    def first_of_kind(row: Row, values: dict[str, Any]) -> dict[str, Any]:
        group = (values["customer_id"], values["kind"])
        if "is_default" in values or group in has_any or values.get("active") is False:
            return {}
        has_any.add(group)
        return {"is_default": True}

    spec = ctx.spec
    key = [spec.attname(k) for k in spec.key]
    upsert(
        ctx,
        Address,
        key,
        [(r, spec.record(r)) for r in rows],
        entity="address",
        on_create=first_of_kind,
    )
    keep_one(ctx, Address, rows, flag="is_default", group=("customer_id", "kind"), entity="address")


ADDRESSES = Spec(
    name="addresses",
    model=Address,
    key=("customer", "kind", "code"),
    entity="address",
    order=30,
    help="Bill-to and ship-to addresses of customers, known by customer, kind and code.",
    capability=Capability.MASTER_DATA_EDIT,
    checks=[_check_address, one_per_group("is_default", ("customer", "kind"), "it the default")],
    apply=_apply_addresses,
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
            ),
        ),
        Column("kind", required=True, help="bill_to or ship_to", example="ship_to"),
        Column(
            "code", required=True, upper=True, help="the customer's own code for it", example="ST01"
        ),
        Column("name", required=True, help="name on the label", example="Acme - North yard"),
        Column("line1", required=True, help="street", example="2400 W Fulton St"),
        Column("line2", help="second line", example=""),
        Column("city", required=True, help="city", example="Chicago"),
        Column("region", upper=True, help="state or province", example="IL"),
        Column("postal_code", help="postal code, checked for US CA GB DE FR MX", example="60612"),
        Column(
            "country",
            upper=True,
            check=country_check,
            help="ISO 3166 code (blank = US)",
            example="US",
        ),
        Column("phone", help="phone at the address", example="+1 312 555 0142"),
        Column(
            "is_default",
            "bool",
            default=KEEP,
            help="yes = the default of its kind (blank = unchanged; first one is default)",
            example="yes",
        ),
        Column("delivery_instructions", help="for the driver", example="Call 30 min ahead"),
        Column(
            "latitude",
            "decimal",
            minimum=Decimal(-90),
            maximum=Decimal(90),
            help="for routing",
            example="41.8868",
        ),
        Column(
            "longitude",
            "decimal",
            minimum=Decimal(-180),
            maximum=Decimal(180),
            help="for routing",
            example="-87.6847",
        ),
        Column("active", "bool", help="no = kept for history only (blank = yes)", example="yes"),
    ],
)


# --- contacts ------------------------------------------------------------------------------


def _apply_contacts(ctx: Context, rows: list[Row]) -> None:
    apply_upsert(ctx, rows)
    keep_one(ctx, Contact, rows, flag="is_primary", group=("customer_id",), entity="contact")


CONTACTS = Spec(
    name="contacts",
    model=Contact,
    key=("customer", "name"),
    entity="contact",
    order=40,
    help="People at a customer, known by customer and name.",
    capability=Capability.MASTER_DATA_EDIT,
    checks=[one_per_group("is_primary", ("customer",), "this customer's primary contact")],
    apply=_apply_contacts,
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
            ),
        ),
        Column("name", required=True, help="full name", example="Dana Whitfield"),
        Column("email", "email", help="e-mail", example="dana@acme-hvac.example.com"),
        Column("phone", help="phone", example="+1 312 555 0101"),
        Column("job_title", help="job title", example="Purchasing manager"),
        Column("is_primary", "bool", help="yes = the customer's primary contact", example="yes"),
    ],
)


# --- vendors -------------------------------------------------------------------------------


def _check_vendor(row: Row, ctx: Context) -> None:
    postal_check(row, "postal_code", "country", optional_without="line1")


VENDORS = Spec(
    name="vendors",
    model=Vendor,
    key=("code",),
    entity="vendor",
    order=50,
    help="Suppliers that purchase orders go to.",
    capability=Capability.MASTER_DATA_EDIT,
    checks=[_check_vendor],
    columns=[
        Column("code", required=True, upper=True, help="vendor code", example="V0042"),
        Column("name", required=True, help="vendor name", example="Northwind Electric Supply"),
        Column(
            "currency",
            upper=True,
            check=currency_check,
            help="ISO 4217 code (blank = USD)",
            example="USD",
        ),
        Column(
            "payment_terms",
            "ref",
            upper=True,
            help="payment terms code",
            example="NET30",
            ref=Ref(
                PaymentTerms, ("code",), "payment terms", "use a code from the payment_terms import"
            ),
        ),
        Column("lead_time_days", "int", help="days from order to receipt (blank = 7)", example="7"),
        Column("email", "email", help="order e-mail", example="orders@northwind.example.com"),
        Column("phone", help="phone", example="+1 414 555 0199"),
        Column("line1", help="street", example="800 Commerce Dr"),
        Column("city", help="city", example="Milwaukee"),
        Column("region", upper=True, help="state or province", example="WI"),
        Column(
            "postal_code", help="postal code (checked when an address is given)", example="53202"
        ),
        Column(
            "country", upper=True, check=country_check, help="ISO 3166 (blank = US)", example="US"
        ),
        Column("active", "bool", help="no = no new purchase orders (blank = yes)", example="yes"),
    ],
)


register(PAYMENT_TERMS, CUSTOMERS, ADDRESSES, CONTACTS, VENDORS)
