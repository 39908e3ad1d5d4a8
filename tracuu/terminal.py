"""What every `tracuu` command shares on the terminal: the console (stderr, so that a
command's own output can be piped) and the one way an error a clerk can act on ends it."""

from __future__ import annotations

import functools

import typer
from rich.console import Console

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
