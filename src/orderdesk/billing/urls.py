"""Billing pages, mounted at /billing/ by orderdesk.urls: invoices and credit memos here,
the customer ledger, payments, aging and month-end in `urls_ledger`."""

from django.urls import path

from . import views
from .urls_ledger import urlpatterns as ledger_urlpatterns

app_name = "billing"

urlpatterns: list = [
    path("invoices/", views.invoice_list_page, name="invoice_list"),
    path("invoices/<int:pk>/", views.invoice_detail_page, name="invoice_detail"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf_view, name="invoice_pdf"),
    path("invoices/<int:pk>/preview/", views.invoice_preview, name="invoice_preview"),
    path("invoices/<int:pk>/credit/", views.invoice_credit_action, name="invoice_credit"),
    path("credit-memos/", views.credit_memo_list_page, name="credit_memo_list"),
    path("credit-memos/<int:pk>/", views.credit_memo_detail_page, name="credit_memo_detail"),
    path("credit-memos/<int:pk>/pdf/", views.credit_memo_pdf_view, name="credit_memo_pdf"),
    path("credit-memos/<int:pk>/preview/", views.credit_memo_preview, name="credit_memo_preview"),
    *ledger_urlpatterns,
]
