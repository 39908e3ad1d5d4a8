"""``tracuu status …``: status decisions from the command line — revoke, suspend, replace,
restore, correct validity — and a record's history of them (archive/events.py;
docs/status-events.md).

Each decision is written to the record's bag, then to the index, and to the audit log with
the operator's name, exactly as the API and the record page's form do. Registered in
tracuu/cli.py with ``app.add_typer(status_app, name="status")``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated

import typer
from pydantic import ValidationError

from search.config import get_settings
from search.errors import InvalidQuery, RecordNotFound, TracuuError

from .terminal import console, errors_to_exit, operator_name

status_app = typer.Typer(
    help="Status over time: revoke (thu hồi), suspend (tạm đình chỉ), replace (thay thế), restore "
    "(khôi phục hiệu lực) and correct the validity dates (đính chính thời hạn) of a result, each with "
    "the deciding document's number and a reason; show a result's history of them.",
    no_args_is_help=True,
)

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
#: Written for a validity date to clear it (no start, no end).
NONE = "none"

RecordArg = Annotated[str, typer.Argument(help="Record id (24 hex digits, as on the record page)")]
Decision = Annotated[str, typer.Option("--decision", "-d", help="Number of the deciding document, e.g. 125/QĐ-UBND")]
Reason = Annotated[str, typer.Option("--reason", "-r", help="Why (lý do)")]
Effective = Annotated[str | None, typer.Option(
    "--effective", "-e", help="Day the decision takes effect: YYYY-MM-DD or dd/mm/yyyy; default today")]
Actor = Annotated[str | None, typer.Option(
    "--actor", help="Who records it, for the history and the audit log; default cli:<operating-system user>")]




def _day(raw: str, name: str) -> dt.date:
    try:
        if m := _DMY.match(raw.strip()):
            day, month, year = (int(g) for g in m.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidQuery(f"Ngày ở {name} không hợp lệ: '{raw[:20]}' (dùng YYYY-MM-DD hoặc dd/mm/yyyy).") from None


def _vn(day: dt.date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""


def _record_change(record_id: str, actor: str | None, **asked) -> None:
    """Apply one decision (bag, index), audit it, and say what the record's status is now."""
    from archive.events import ACTION_LABELS, StatusChange, apply_event
    from search.index import RecordIndex
    from search.query import today_in_vietnam
    from database.audit import AuditEvent, AuditLog
    from web.labels import STATUS_LABELS

    settings = get_settings()
    today = today_in_vietnam()
    effective = asked.pop("effective")
    asked["effective_date"] = _day(effective, "--effective") if effective else today
    try:
        change = StatusChange.model_validate(asked)
    except ValidationError as e:
        where = ", ".join(sorted({str(err["loc"][0]) for err in e.errors()}))
        raise InvalidQuery(f"Giá trị không hợp lệ: {where} (mã kết quả gồm 0–9, a–f; lý do tối đa 2000 ký tự).") from None
    who = actor or operator_name()
    index = RecordIndex.from_settings(settings)
    log = AuditLog.of(settings)
    detail = f"{change.action} {change.decision_number[:100]} {change.effective_date}"
    try:
        try:
            index.ensure()  # an index made before status events existed gets their fields (mappings only grow)
            record = apply_event(index, settings.archive_dir, record_id, change, who)
        except TracuuError as e:
            log.write(AuditEvent(actor_kind="operator", actor=who, action=f"status_{change.action}",
                                 outcome="refused", record_id=record_id, detail=f"{detail}: {e.message}"[:500]))
            raise
        finally:
            index.client.close()
        log.write(AuditEvent(actor_kind="operator", actor=who, action=f"status_{change.action}",
                             record_id=record.id, subject_id=record.subject_id, detail=detail))
    finally:
        log.close()
    console.print(f"Đã ghi: {ACTION_LABELS[change.action].lower()} kết quả {record.id} từ ngày "
                  f"{_vn(change.effective_date)} (quyết định số {change.decision_number}).", highlight=False, soft_wrap=True)
    typer.echo(f"{record.id}\t{record.status_on(today).value}\t{STATUS_LABELS[record.status_on(today)]}")


@status_app.command("revoke")
@errors_to_exit
def revoke(record_id: RecordArg, decision: Decision, reason: Reason, effective: Effective = None,
           actor: Actor = None) -> None:
    """Revoke a result (thu hồi): from the effective day it is no longer valid, for search,
    lookup and reports. Allowed for a result in force or suspended."""
    _record_change(record_id, actor, action="revoke", effective=effective, decision_number=decision, reason=reason)


@status_app.command("suspend")
@errors_to_exit
def suspend(record_id: RecordArg, decision: Decision, reason: Reason, effective: Effective = None,
            actor: Actor = None) -> None:
    """Suspend a result (tạm đình chỉ) until it is restored. Allowed for a result in force."""
    _record_change(record_id, actor, action="suspend", effective=effective, decision_number=decision, reason=reason)


@status_app.command("replace")
@errors_to_exit
def replace(record_id: RecordArg,
            replacement: Annotated[str, typer.Argument(help="Id of the record that replaces it (must be archived)")],
            decision: Decision, reason: Reason, effective: Effective = None, actor: Actor = None) -> None:
    """Replace a result by another archived one (thay thế), e.g. a permit re-issued with
    changes. The replacement must exist and be neither revoked nor replaced."""
    _record_change(record_id, actor, action="replace", effective=effective, decision_number=decision, reason=reason,
                   replaced_by=replacement.strip().lower())


@status_app.command("restore")
@errors_to_exit
def restore(record_id: RecordArg, decision: Decision, reason: Reason, effective: Effective = None,
            actor: Actor = None) -> None:
    """Restore a revoked, suspended or replaced result (khôi phục hiệu lực); its dates decide
    again. Recorded on the same day as a mistaken decision, it undoes it entirely."""
    _record_change(record_id, actor, action="restore", effective=effective, decision_number=decision, reason=reason)


@status_app.command("validity")
@errors_to_exit
def validity(
    record_id: RecordArg, decision: Decision, reason: Reason,
    valid_from: Annotated[str | None, typer.Option(
        "--valid-from", help=f"Corrected first day of validity; '{NONE}' for none; left out: unchanged")] = None,
    valid_until: Annotated[str | None, typer.Option(
        "--valid-until", help=f"Corrected last day of validity; '{NONE}' for no end; left out: unchanged")] = None,
    effective: Effective = None, actor: Actor = None,
) -> None:
    """Correct a result's validity dates (đính chính thời hạn). The dates before and after
    are kept in the history."""
    dates = {name: None if raw.strip().lower() == NONE else _day(raw, f"--{name.replace('_', '-')}")
             for name, raw in (("valid_from", valid_from), ("valid_until", valid_until)) if raw is not None}
    _record_change(record_id, actor, action="validity", effective=effective, decision_number=decision,
                   reason=reason, **dates)


@status_app.command("history")
@errors_to_exit
def history(record_id: RecordArg,
            as_json: Annotated[bool, typer.Option("--json", help="One JSON object: status today and every event")] = False
            ) -> None:
    """A result's status today and every status decision about it, oldest first, as kept in
    its archival package (works without the search server)."""
    from archive.events import ACTION_LABELS
    from archive.layout import read_record
    from search.query import today_in_vietnam
    from web.labels import STATUS_LABELS

    record = read_record(get_settings().archive_dir, record_id)
    if record is None:
        raise RecordNotFound(record_id)
    today = today_in_vietnam()
    status = record.status_on(today)
    if as_json:
        typer.echo(json.dumps({"record_id": record.id, "on": today.isoformat(), "status": status.value,
                               "status_since": record.status_since and record.status_since.isoformat(),
                               "replaced_by": record.replaced_by,
                               "valid_from": record.valid_from and record.valid_from.isoformat(),
                               "valid_until": record.valid_until and record.valid_until.isoformat(),
                               "events": [e.model_dump(mode="json") for e in record.status_events]},
                              ensure_ascii=False, indent=2))
        return
    typer.echo(f"{record.id}\t{status.value}\t{STATUS_LABELS[status]} (ngày {_vn(today)})")
    if not record.status_events:
        typer.echo("Chưa có quyết định nào về hiệu lực.")
    for e in record.status_events:
        what = ""
        if e.replaced_by:
            what = f"thay bằng {e.replaced_by}"
        elif e.validity_before and e.validity_after:
            what = (f"thời hạn {_vn(e.validity_before.valid_from) or '…'}–{_vn(e.validity_before.valid_until) or '…'}"
                    f" → {_vn(e.validity_after.valid_from) or '…'}–{_vn(e.validity_after.valid_until) or '…'}")
        typer.echo("\t".join([_vn(e.effective_date), ACTION_LABELS[e.action], e.decision_number, e.reason, what,
                              e.recorded_by, e.recorded_at.isoformat(timespec="seconds")]))


@status_app.command("allow")
@errors_to_exit
def allow(login: Annotated[str, typer.Argument(help="Officer login")],
          revoke_right: Annotated[bool, typer.Option("--revoke", help="Take the right back instead")] = False) -> None:
    """Give an officer account the right to record status decisions (scope 'manage') on the
    record page and through the API with its session, or take it back. Admins always hold
    it; a system gets it with `tracuu apikey create NAME --scope manage`."""
    from database.accounts import AccountStore, Scope

    user = AccountStore.of(get_settings()).set_right(login, Scope.manage, not revoke_right)
    console.print(f"Tài khoản {user.login}: {'đã được giao' if Scope.manage in user.holds else 'không còn'} quyền "
                  "ghi quyết định về hiệu lực (manage).", highlight=False)
