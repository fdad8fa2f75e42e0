"""The shell's own pages: sign in, sign out, and the home page every role lands on."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from orderdesk.core.roles import is_portal

from .navigation import links_for


class LoginView(auth_views.LoginView):
    """Django's login (session auth, CSRF checked); a signed-in user is sent on, not asked
    again."""

    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule: a link or an image must not be able to sign a clerk out);
    the login page then says it happened, so a shared terminal is visibly free."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.info(request, "You are signed out.")
        return response


def _greeting() -> str:
    hour = timezone.localtime().hour
    if hour < 12:
        return "Good morning"
    if hour < 18:
        return "Good afternoon"
    return "Good evening"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The greeting in the user's own time zone, and a card for each page their role opens."""
    user = request.user
    links = links_for(user, request.path)
    return render(
        request,
        "web/home.html",
        {
            "greeting": _greeting(),
            "name": getattr(user, "first_name", "") or user.get_username(),
            "cards": [link for link in links if link.key != "admin"],
            "admin_links": [link for link in links if link.key == "admin"],
            "portal": is_portal(user),
            "customer": getattr(user, "customer", None) if is_portal(user) else None,
            "now": timezone.now(),
        },
    )
