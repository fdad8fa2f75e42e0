"""The `orderdesk` console script: Django's management commands under one name.

`orderdesk demo`, `orderdesk worker`, `orderdesk import customers FILE`, `orderdesk migrate` …
It only sets the settings module and hands over; each command lives in its app.
"""

from __future__ import annotations

import os
import sys

ALIASES = {"worker": ["db_worker"], "serve": ["runserver"]}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ALIASES:
        args = ALIASES[args[0]] + args[1:]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["orderdesk", *args])


if __name__ == "__main__":
    main()
