"""Exit 0 when a PostgreSQL answers at the URL given, 1 with the reason otherwise."""

from __future__ import annotations

import sys


def main(url: str) -> int:
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
            return 0
    except Exception as exc:  # any failure means: skip the PostgreSQL suite, say why
        print(f"PostgreSQL not reachable at {url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(
        main(sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/test")
    )
