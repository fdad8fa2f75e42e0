from django.contrib import admin
from django.urls import include, path

from orderdesk.api import api
from orderdesk.web.views_health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("orders/", include("orderdesk.orders.urls")),
    path("warehouse/", include("orderdesk.fulfilment.urls")),
    path("billing/", include("orderdesk.billing.urls")),
    path("returns/", include("orderdesk.returns.urls")),
    path("edi/", include("orderdesk.edi.urls")),
    path("", include("orderdesk.web.urls")),
]
