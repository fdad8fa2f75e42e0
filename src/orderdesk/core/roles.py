"""Roles on the desk and what each may do.

A capability is a verb a service checks (`require(user, Capability.MASTER_DATA_EDIT)`);
which roles hold it is written once here so pages, API and services agree.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models


class Role(models.TextChoices):
    ORDER_CLERK = "order_clerk", "Order clerk"
    DESK_COORDINATOR = "desk_coordinator", "Order desk coordinator"
    SERVICE_CLERK = "service_clerk", "Service order clerk"
    DISPATCHER = "dispatcher", "Dispatcher"
    TECHNICIAN = "technician", "Technician"
    WAREHOUSE = "warehouse", "Warehouse / shipping"
    BILLING = "billing", "Billing / AR"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Administrator"
    PORTAL = "portal", "Customer portal user"


class Capability(StrEnum):
    MASTER_DATA_VIEW = "master_data_view"
    MASTER_DATA_EDIT = "master_data_edit"
    PRICING_EDIT = "pricing_edit"
    CREDIT_EDIT = "credit_edit"
    STOCK_ADJUST = "stock_adjust"
    PURCHASING = "purchasing"
    IMPORT = "import"
    ADMIN_SITE = "admin_site"
    ORDER_VIEW = "order_view"
    ORDER_ENTRY = "order_entry"
    ORDER_OVERRIDE = "order_override"
    ORDER_APPROVE = "order_approve"
    ORDER_ALLOCATE = "order_allocate"
    WAREHOUSE_OPS = "warehouse_ops"
    BILLING_VIEW = "billing_view"
    BILLING_POST = "billing_post"
    PERIOD_CLOSE = "period_close"
    RETURN_REQUEST = "return_request"
    RETURN_APPROVE = "return_approve"
    RETURN_RECEIVE = "return_receive"
    EDI_OPERATE = "edi_operate"
    EDI_SETUP = "edi_setup"


_STAFF = {
    Role.ORDER_CLERK,
    Role.DESK_COORDINATOR,
    Role.SERVICE_CLERK,
    Role.DISPATCHER,
    Role.BILLING,
    Role.WAREHOUSE,
    Role.MANAGER,
    Role.ADMIN,
}

CAPABILITIES: dict[Capability, frozenset[str]] = {
    Capability.MASTER_DATA_VIEW: frozenset(_STAFF | {Role.TECHNICIAN}),
    Capability.MASTER_DATA_EDIT: frozenset(
        {Role.ORDER_CLERK, Role.DESK_COORDINATOR, Role.SERVICE_CLERK, Role.MANAGER, Role.ADMIN}
    ),
    Capability.PRICING_EDIT: frozenset({Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}),
    Capability.CREDIT_EDIT: frozenset({Role.BILLING, Role.MANAGER, Role.ADMIN}),
    Capability.STOCK_ADJUST: frozenset({Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}),
    Capability.PURCHASING: frozenset({Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}),
    Capability.IMPORT: frozenset({Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}),
    Capability.ADMIN_SITE: frozenset({Role.ADMIN}),
    # Portal users place and read orders too; their access is scoped to their customer.
    Capability.ORDER_VIEW: frozenset(_STAFF | {Role.PORTAL}),
    Capability.ORDER_ENTRY: frozenset(
        {Role.ORDER_CLERK, Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN, Role.PORTAL}
    ),
    # Price, data, duplicate, date and compliance holds; credit holds need CREDIT_EDIT.
    Capability.ORDER_OVERRIDE: frozenset(
        {Role.ORDER_CLERK, Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}
    ),
    # Expedite, decommit, move a line to another warehouse.
    Capability.ORDER_ALLOCATE: frozenset(
        {Role.ORDER_CLERK, Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}
    ),
    # Changes above the approval threshold.
    Capability.ORDER_APPROVE: frozenset({Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}),
    # Release to the warehouse, pick, pack, ship.
    Capability.WAREHOUSE_OPS: frozenset(
        {Role.WAREHOUSE, Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}
    ),
    # Invoices, credit memos, the ledger: portal users read their own customer's.
    Capability.BILLING_VIEW: frozenset(_STAFF | {Role.PORTAL}),
    # Post invoices, credit memos and payments by hand.
    Capability.BILLING_POST: frozenset({Role.BILLING, Role.MANAGER, Role.ADMIN}),
    # Close a period: nothing may be posted on or before its date afterwards.
    Capability.PERIOD_CLOSE: frozenset({Role.BILLING, Role.MANAGER, Role.ADMIN}),
    # Ask for a return (portal users for their own customer).
    Capability.RETURN_REQUEST: frozenset(
        {Role.ORDER_CLERK, Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN, Role.PORTAL}
    ),
    # Approve or reject a return, issue its credit or replacement.
    Capability.RETURN_APPROVE: frozenset({Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}),
    # Receive returned goods, inspect them and decide their disposition.
    Capability.RETURN_RECEIVE: frozenset(
        {Role.WAREHOUSE, Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}
    ),
    # Watch the EDI monitor and intake queue: re-process, retry, resolve, upload files.
    Capability.EDI_OPERATE: frozenset(
        {Role.ORDER_CLERK, Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}
    ),
    # Trading-partner profiles and item cross-references.
    Capability.EDI_SETUP: frozenset({Role.DESK_COORDINATOR, Role.MANAGER, Role.ADMIN}),
}


def has_capability(user: Any, capability: Capability) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return getattr(user, "role", None) in CAPABILITIES[capability]


def require(user: Any, capability: Capability) -> None:
    """Raise Forbidden unless the user's role holds the capability."""
    from .errors import Forbidden

    if not has_capability(user, capability):
        role = getattr(user, "role", None) or "anonymous"
        raise Forbidden(f"the {role} role may not do this ({capability.value})")


def is_portal(user: Any) -> bool:
    return getattr(user, "role", None) == Role.PORTAL
