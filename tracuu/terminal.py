"""What every `tracuu` command shares on the terminal: the console (stderr, so that a
command's own output can be piped), the one way an error a clerk can act on ends it, and
how the audit log names the operator who ran it."""

from __future__ import annotations

import functools
import getpass

import typer
from rich.console import Console

from search.config import Settings
from search.errors import TracuuError

console = Console(stderr=True)


def errors_to_exit(fn):
    """A TracuuError ends the command with its message and its exit code, not a traceback.
    The message is printed whole (the terminal wraps it), so it can be copied as it is."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TracuuError as e:
            console.print(f"[red]Lỗi:[/red] {e.message}", highlight=False, soft_wrap=True)
            raise typer.Exit(e.exit_code) from None

    return wrapper


def operator_name() -> str:
    """Who runs a command, as the audit log names them: the login on this machine."""
    return f"cli:{getpass.getuser()}"


def audit_operator(settings: Settings, action: str, **fields) -> None:
    """One audit event for what an operator did from the command line."""
    from database.audit import AuditEvent, AuditLog

    log = AuditLog.of(settings)
    try:
        log.write(AuditEvent(actor_kind="operator", actor=operator_name(), action=action, **fields))
    finally:
        log.close()
