"""Shared fixtures: users per role, API clients with tokens, database-vendor markers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from orderdesk.core.models import ApiToken
from orderdesk.core.roles import Role

from .factories import CustomerFactory, UserFactory

PASSWORD = "pass-word-123"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests that prove concurrency or locking need PostgreSQL; say why they are skipped elsewhere.
    from django.conf import settings

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if vendor != "postgresql":
        skip = pytest.mark.skip(
            reason="needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test "
            "(make test runs this suite again on PostgreSQL when one answers)"
        )
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


def _keep_event_triggers_through_sqlite_flush() -> None:
    """Transactional tests flush tables; the append-only triggers would refuse it on SQLite.

    PostgreSQL flushes with TRUNCATE, which row triggers do not see; SQLite flushes with
    DELETE, so for the flush only, the triggers are dropped and put back. Patched on the class
    for the whole session, because pytest-django flushes after function fixtures are gone.
    """
    from django.db.backends.sqlite3.base import DatabaseOperations

    from orderdesk.core.migrations import _event_triggers as trig

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):  # type: ignore[no-untyped-def]
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if "core_event" not in tables:
            return statements
        return [*trig.SQLITE_DOWN, *statements, *trig.SQLITE_UP]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    _keep_event_triggers_through_sqlite_flush()
    # Hashing a password the production way takes 0.25 s; tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: None) -> Callable[..., object]:
    def make(role: str = Role.ORDER_CLERK, **kwargs: object) -> object:
        if role == Role.PORTAL and "customer" not in kwargs:
            kwargs["customer"] = CustomerFactory()
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def api_client(make_user: Callable[..., object]) -> Callable[..., Client]:
    """`api_client(role=...)` → a Client that sends a bearer token of a new user of that role."""

    def make(role: str = Role.ORDER_CLERK, user: object | None = None, **kwargs: object) -> Client:
        u = user or make_user(role, **kwargs)
        _, raw = ApiToken.issue(u, "test")  # type: ignore[arg-type]
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        client.user = u  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def clerk_api(api_client: Callable[..., Client]) -> Client:
    return api_client(Role.ORDER_CLERK)


@pytest.fixture
def manager_api(api_client: Callable[..., Client]) -> Client:
    return api_client(Role.MANAGER)
