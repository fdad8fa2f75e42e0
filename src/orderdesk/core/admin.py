"""The Django admin: for the admin role only, and every change in it leaves an event.

Access follows the role, not Django's per-model permissions, so that "admin" means the same
in the admin site as in the API and the pages (Capability.ADMIN_SITE). Admin edits skip
the services, so `AuditedAdmin` records the same kind of event a service would: who, when,
before and after. The event log itself is read-only here (the database refuses changes).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from .audit import changed, event_record, snapshot
from .models import ApiToken, DocumentSequence, Event, User
from .roles import Capability, has_capability


def _admin_allowed(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and has_capability(user, Capability.ADMIN_SITE))


def _site_permission(request: HttpRequest) -> bool:
    return _admin_allowed(request)


admin.site.has_permission = _site_permission  # type: ignore[method-assign]
admin.site.site_header = "OrderDesk administration"
admin.site.site_title = "OrderDesk admin"


class RoleAdmin(admin.ModelAdmin):
    """Permissions by role: the admin role may do what the model admin allows."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _admin_allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _admin_allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _admin_allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _admin_allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _admin_allowed(request)


class AuditedAdmin(RoleAdmin):
    """Records `<model>.created/updated/deleted` events for edits made in the admin."""

    #: Fields never copied into an event (a password hash has no place in an audit trail).
    audit_exclude: tuple[str, ...] = ()

    def _snap(self, obj: models.Model) -> dict[str, Any]:
        # An auto_now stamp changes on every save; it would make every event look like a change.
        stamps = {f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)}
        skip = stamps | set(self.audit_exclude)
        return {k: v for k, v in snapshot(obj).items() if k not in skip}

    def _action(self, obj: models.Model, verb: str) -> str:
        return f"{obj._meta.model_name}.{verb}"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before: dict[str, Any] = {}
            if change and obj.pk is not None:
                stored = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = self._snap(stored) if stored is not None else {}
            super().save_model(request, obj, form, change)
            after = self._snap(obj)
            if change:
                old, new = changed(before, after)
                if new:
                    event_record(
                        actor=request.user,
                        obj=obj,
                        action=self._action(obj, "updated"),
                        before=old,
                        after=new,
                        reason="changed in the admin",
                    )
            else:
                event_record(
                    actor=request.user,
                    obj=obj,
                    action=self._action(obj, "created"),
                    after=after,
                    reason="added in the admin",
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            event_record(
                actor=request.user,
                obj=obj,
                action=self._action(obj, "deleted"),
                before=self._snap(obj),
                reason="deleted in the admin",
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # One event per row, like delete_model; the bulk delete would skip them.
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    audit_exclude = ("password", "last_login")
    list_display = ("username", "first_name", "last_name", "role", "customer", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email", "customer__name")
    autocomplete_fields = ("customer",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("OrderDesk", {"fields": ("role", "customer", "timezone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("OrderDesk", {"fields": ("role", "customer")}),
    )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        # Users are referenced by events and stock movements: deactivate instead.
        messages.warning(request, f"{obj.username} was deactivated, not deleted")
        with transaction.atomic():
            before = snapshot(obj, ["is_active"])
            obj.is_active = False
            obj.save(update_fields=["is_active"])
            event_record(
                actor=request.user,
                obj=obj,
                action="user.updated",
                before=before,
                after={"is_active": False},
                reason="deactivated in the admin",
            )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Tokens are issued with `orderdesk token USER` (the raw token is shown once, there)."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "key_hash", "prefix", "created_at", "last_used_at")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        with transaction.atomic():
            for token in queryset.filter(revoked=False):
                token.revoked = True
                token.save(update_fields=["revoked"])
                event_record(
                    actor=request.user,
                    obj=token,
                    action="apitoken.revoked",
                    before={"revoked": False},
                    after={"revoked": True},
                )
                count += 1
        self.message_user(request, f"{count} token(s) revoked", messages.SUCCESS)


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(AuditedAdmin):
    """Prefix and padding may change; the next number may not (gaps or duplicates)."""

    list_display = ("doc_type", "prefix", "padding", "next_value")
    readonly_fields = ("next_value",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("doc_type", "next_value") if obj is not None else ("next_value",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(RoleAdmin):
    """The audit trail: readable, searchable, never edited (the database refuses it anyway)."""

    list_display = ("at", "actor_label", "action", "object_type", "object_id", "object_label")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "object_label", "actor_label", "reason")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    list_select_related = ("actor",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in Event._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
