"""Pages: the shell (home, login, logout) under the `web` namespace, and each app's pages."""

from django.urls import include, path

from . import views

shell_patterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]

urlpatterns = [
    path("", include((shell_patterns, "web"))),
    path("customers/", include("orderdesk.parties.urls")),
    path("items/", include("orderdesk.catalog.urls")),
]
