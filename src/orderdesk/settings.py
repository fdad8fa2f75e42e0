"""Settings from the environment.

Everything a deployment changes comes from environment variables so that the same
package runs the demo (embedded SQLite under ./var/) and production (PostgreSQL,
workers on other machines) without edits.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("ORDERDESK_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("ORDERDESK_VAR", PROJECT_DIR / "var"))


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("ORDERDESK_DEBUG", True)
SECRET_KEY = os.environ.get("ORDERDESK_SECRET_KEY", "orderdesk-demo-secret-change-me-in-production")
ALLOWED_HOSTS = os.environ.get("ORDERDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("ORDERDESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "orderdesk.core",
    "orderdesk.parties",
    "orderdesk.catalog",
    "orderdesk.pricing",
    "orderdesk.inventory",
    "orderdesk.purchasing",
    "orderdesk.notify",
    "orderdesk.billing",
    "orderdesk.orders",
    "orderdesk.fulfilment",
    "orderdesk.returns",
    "orderdesk.edi",
    "orderdesk.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "orderdesk.core.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "orderdesk.urls"
WSGI_APPLICATION = "orderdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orderdesk.web.context.navigation",
            ],
        },
    }
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        db: dict = dict(
            dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
        )
        if db["ENGINE"] == "django.db.backends.sqlite3":
            db["OPTIONS"] = _sqlite_options()
        return db
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "orderdesk.sqlite3"),
        "OPTIONS": _sqlite_options(),
        "TEST": {"NAME": os.environ.get("ORDERDESK_SQLITE_TEST_NAME") or None},
    }


def _sqlite_options() -> dict:
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on busy_timeout instead of failing mid-transaction on upgrade.
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=30000;"
        ),
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [d for d in [PROJECT_DIR / "node_modules" / "htmx.org" / "dist"] if d.is_dir()]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Background work: the database backend needs no broker; `orderdesk worker` (db_worker)
# runs it, in-process beside the demo server or on any number of other machines.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("ORDERDESK_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    }
}

EMAIL_BACKEND = os.environ.get(
    "ORDERDESK_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(VAR_DIR / "outbox-mail")
DEFAULT_FROM_EMAIL = os.environ.get("ORDERDESK_FROM_EMAIL", "orderdesk@example.com")
EMAIL_HOST = os.environ.get("ORDERDESK_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ORDERDESK_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ORDERDESK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ORDERDESK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("ORDERDESK_EMAIL_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("ORDERDESK_EMAIL_TIMEOUT", "30"))

#: A receipt may exceed the ordered quantity by this fraction (vendors ship full cases).
PURCHASING_OVER_RECEIPT_TOLERANCE = os.environ.get("ORDERDESK_OVER_RECEIPT_TOLERANCE", "0.05")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ORDERDESK_LOG_LEVEL", "WARNING")},
}

# The mailbox `orderdesk edi mail --watch` and the intake_mailbox_poll task read orders from:
# imap[s]://user:password@host[:port]/MAILBOX (blank: no mailbox).
ORDERDESK_INTAKE_IMAP_URL = os.environ.get("ORDERDESK_INTAKE_IMAP_URL", "")

# The GS1 company prefix in the SSCC-18 of every package on an 856 (blank: GS1's example
# prefix 0614141, for testing only; set your own before sending real ship notices).
ORDERDESK_GS1_COMPANY_PREFIX = os.environ.get("ORDERDESK_GS1_COMPANY_PREFIX", "")

# EDI uploads through the API: read during the request up to this size, queued to the worker
# above it, refused above the maximum.
ORDERDESK_EDI_SYNC_UPLOAD_BYTES = int(
    os.environ.get("ORDERDESK_EDI_SYNC_UPLOAD_BYTES", 2 * 1024 * 1024)
)
ORDERDESK_EDI_MAX_UPLOAD_BYTES = int(
    os.environ.get("ORDERDESK_EDI_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
)
