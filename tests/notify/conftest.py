from __future__ import annotations

import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run in-process at enqueue time; mail goes to django.core.mail.outbox."""
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = LOCMEM
    return settings


@pytest.fixture
def failing_mail(immediate_tasks):
    immediate_tasks.EMAIL_BACKEND = "tests.notify.backends.FailingBackend"
    return immediate_tasks
