"""`orderdesk demo`: the demo company in the browser with one command (what `make demo` runs).

It binds the port first (a busy port fails before minutes of set-up), migrates, loads the
demo company only into a database that has no customers or items (so re-running is safe
and a real database is never mixed with demo data), prints where to go and who to log in
as, then serves with the task worker alongside until Ctrl-C.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.servers.basehttp import WSGIServer
from django.db import connections

from orderdesk.core.models import User
from orderdesk.core.roles import Role
from orderdesk.demo.data_commercial import COMPANY_NAME
from orderdesk.demo.generate import DEFAULT_SEED, DEMO_PASSWORD, PORTAL_USERNAME, STAFF
from orderdesk.demo.load import demo_is_loaded, load_demo
from orderdesk.demo.serve import HOST, bind, serve


class Command(BaseCommand):
    help = (
        "Create and migrate the database, load the demo company (once), print the logins "
        "and serve on 127.0.0.1 with the task worker alongside."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="same seed, same company"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the embedded SQLite database first and start over",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="load and exit (no server, no worker)"
        )
        parser.add_argument("--port", type=int, default=8000, help="default 8000")

    def handle(self, *args: Any, **options: Any) -> None:
        server = None if options["no_serve"] else self._bind(options["port"])
        try:
            if options["reset"]:
                self._reset()
            self.stdout.write(f"database: {self._where()}")
            call_command("migrate", interactive=False, verbosity=0)
            self._load(options["seed"])
            self._logins()
        except BaseException:
            if server is not None:
                server.server_close()
            raise
        if server is not None:
            port = server.server_address[1]
            self.stdout.write(self.style.SUCCESS(f"\nOrderDesk demo: http://{HOST}:{port}/"))
            self.stdout.write(f"  admin: http://{HOST}:{port}/admin/ (log in as admin)")
            self.stdout.write(f"  API docs: http://{HOST}:{port}/api/v1/docs")
            serve(server, self.stdout)

    def _bind(self, port: int) -> WSGIServer:
        try:
            return bind(port)
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {HOST}:{port} ({exc.strerror}): stop whatever uses it, "
                f"or pass --port {port + 1}"
            ) from exc

    @staticmethod
    def _sqlite_file() -> Path | None:
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.sqlite3" or str(db["NAME"]).startswith(":"):
            return None
        return Path(db["NAME"])

    def _where(self) -> str:
        path = self._sqlite_file()
        if path is not None:
            return f"SQLite {path}"
        db = settings.DATABASES["default"]
        return f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}/{db['NAME']}"

    def _reset(self) -> None:
        path = self._sqlite_file()
        if path is None:
            raise CommandError(
                "--reset only deletes the embedded SQLite database; for PostgreSQL, drop and "
                "re-create the database yourself, then run `orderdesk demo` again"
            )
        connections.close_all()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.stdout.write(f"deleted {path}: starting over")

    def _load(self, seed: int) -> None:
        if demo_is_loaded():
            self.stdout.write(
                "the database already has customers or items: demo not loaded again "
                "(use --reset to start over)"
            )
            return
        self.stdout.write(f"loading the demo company {COMPANY_NAME} (seed {seed}) …")
        started = time.perf_counter()
        counts = load_demo(seed=seed)
        seconds = time.perf_counter() - started
        summary = ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"loaded in {seconds:.1f} s: {summary}"))

    def _logins(self) -> None:
        names = [username for username, *_ in STAFF] + [PORTAL_USERNAME]
        users = {
            u.username: u
            for u in User.objects.filter(username__in=names).select_related("customer")
        }
        self.stdout.write(f"\ndemo logins (password {DEMO_PASSWORD} for all):")
        for username in names:
            user = users.get(username)
            if user is None:
                continue
            role = Role(user.role).label
            if user.is_superuser:
                role += ", superuser: /admin/"
            if user.customer is not None:
                role += f" for {user.customer}"
            self.stdout.write(f"  {username:<12} {role}")
