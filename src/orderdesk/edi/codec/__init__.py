"""Our X12 codec: pure Python, no Django (an import-linter contract keeps it so).

Read with `read` / `read_file` (one interchange at a time, never an exception for bad
input: problems instead), write with `write` (which refuses what our grammars would reject),
acknowledge with `ack_997` / `ta1`. docs/edi-codec.md says what the reader tolerates.
"""

from __future__ import annotations

from .acks import ack_997, ta1
from .model import (
    Delimiters,
    Group,
    Interchange,
    LoopNode,
    OutGroup,
    OutInterchange,
    OutSet,
    Problem,
    Segment,
    TransactionSet,
    WriteError,
)
from .reader import read, read_file
from .registry import grammar
from .writer import to_out, write

__all__ = [
    "Delimiters",
    "Group",
    "Interchange",
    "LoopNode",
    "OutGroup",
    "OutInterchange",
    "OutSet",
    "Problem",
    "Segment",
    "TransactionSet",
    "WriteError",
    "ack_997",
    "grammar",
    "read",
    "read_file",
    "ta1",
    "to_out",
    "write",
]
