"""Our X12 codec: pure Python, no Django (an import-linter contract keeps it so)."""
