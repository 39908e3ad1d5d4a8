"""Dependencies shared by the routes, as ``Annotated`` aliases to keep signatures short.

They are ``async`` although they do not await: FastAPI runs a plain ``def`` dependency in a
worker thread, one thread hop per dependency per request, for a lookup of an attribute."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from search.config import Settings
from search.index import RecordIndex


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_index(request: Request) -> RecordIndex:
    return request.app.state.index


SettingsDep = Annotated[Settings, Depends(get_settings)]
IndexDep = Annotated[RecordIndex, Depends(get_index)]


async def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
