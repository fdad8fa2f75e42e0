"""Ledger pages: customer ledger with aging, payments, aging of all customers, discrepancies,
month-end (included by billing.urls, app "billing")."""

from django.urls import path

from . import views_ledger as v

urlpatterns: list = [
    path("customers/<int:pk>/ledger/", v.ledger_page, name="ledger"),
    path("my-account/", v.my_ledger_page, name="my_ledger"),
    path("payments/<int:pk>/apply/", v.payment_apply_action, name="payment_apply"),
    path("receivables/<int:pk>/apply/", v.credit_apply_action, name="credit_apply"),
    path("aging/", v.aging_page, name="aging"),
    path("discrepancies/", v.discrepancies_page, name="discrepancies"),
    path("month-end/", v.month_end_page, name="month_end"),
    path(
        "month-end/<slug:section>.<str:fmt>",
        v.month_end_export_view,
        name="month_end_export",
    ),
]
