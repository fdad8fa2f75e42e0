"""Domain errors: a code a program can branch on, a message a clerk understands, the field.

The API turns them into 4xx JSON (`{"code", "message", "field", "fix"}`); pages turn them
into form errors. Each app adds its own codes in its `errors.py`.
"""

from __future__ import annotations

from enum import StrEnum


class CoreErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    CONFLICT = "conflict"
    IMMUTABLE = "immutable"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"


class DomainError(Exception):
    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.field = field
        self.fix = fix

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field, "fix": self.fix}


class NotFound(DomainError):
    status = 404

    def __init__(self, what: str, key: object = None, *, field: str | None = None) -> None:
        msg = f"{what} {key} not found" if key is not None else f"{what} not found"
        super().__init__(CoreErrorCode.NOT_FOUND, msg, field=field)


class Forbidden(DomainError):
    status = 403

    def __init__(self, message: str = "your role does not allow this") -> None:
        super().__init__(CoreErrorCode.FORBIDDEN, message)


class Invalid(DomainError):
    status = 422


class Conflict(DomainError):
    status = 409
