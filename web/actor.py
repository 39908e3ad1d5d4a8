"""Who is acting: the name recorded with a reuse (and, with access control, in the audit).

Until officer accounts exist (access-control issue) every page is used as one shared
officer; the dependency is the single place that will change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request


@dataclass(frozen=True)
class Actor:
    kind: Literal["officer", "admin", "citizen", "system"]
    name: str


def current_officer(request: Request) -> Actor:
    return Actor("officer", "officer")


OfficerDep = Annotated[Actor, Depends(current_officer)]
