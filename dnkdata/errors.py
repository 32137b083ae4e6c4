"""Typed exceptions. The CLI turns each into a one-line message and an exit code."""


class DnkError(Exception):
    """Base class for errors a user can act on (no traceback is shown)."""

    exit_code = 1


class InputError(DnkError):
    """An input path does not exist or cannot be read as a folder of captures."""


class ValidationFailed(DnkError):
    """One or more tables failed schema or cross-table validation."""

    exit_code = 2

    def __init__(self, report: str):
        super().__init__(report)
        self.report = report


class StrictRejections(DnkError):
    """--strict is set and at least one input file was rejected; nothing was written."""


class Rejected(Exception):
    """A capture that cannot become an article; `code` is a stable reason code (docs/troubleshooting.md)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
