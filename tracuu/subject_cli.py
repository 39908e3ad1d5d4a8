"""``tracuu subject …``: a data subject's rights over their personal data (Decree 13/2023).

* ``export`` — everything Tra cứu holds about a person or organisation, as one JSON
  document: each result as the archive keeps it (the bag is the record of truth, not the
  index), the files it holds, and every audit event about the subject.
* ``restrict`` / ``lift`` / ``restrictions`` — restriction of processing: the subject's
  results hidden from everyone but the roles ``TRACUU_RESTRICTED_ROLES`` names
  (database/restrictions.py, web/restrictions.py); the admin page does the same.

* ``erase`` — erasure of the subject's personal data where the archival duty allows, and
  the reason kept with each result where it does not (archive/erasure.py).

Each action is an audit event. Registered in tracuu/cli.py like ``status``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from archive.identifiers import canonical_subject_id
from archive.subject_rights import erase, export
from search.config import get_settings

from .terminal import audit_operator, console, errors_to_exit, operator_name

subject_app = typer.Typer(help="A data subject's rights (Decree 13/2023): export all that is held about a "
                               "CCCD or enterprise code; restrict its processing, or lift that; erase it.",
                          no_args_is_help=True)
SubjectId = Annotated[str, typer.Argument(help="CCCD or enterprise code, as typed (groups and dots allowed)")]


@subject_app.command("export")
@errors_to_exit
def export_command(
    subject_id: Annotated[str, typer.Argument(help="CCCD or enterprise code, as typed (groups and dots allowed)")],
    out: Annotated[Path | None, typer.Option(help="Write the JSON here (default: standard output)")] = None,
) -> None:
    """Everything held about a subject, as JSON: their results as archived, the files of
    each, and who did what with them (the audit log). The export is audited."""
    settings = get_settings()
    document = export(settings, subject_id)
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"{len(document['results'])} kết quả, {len(document['audit_events'])} sự kiện → {out}",
                      highlight=False)
    audit_operator(settings, "subject_export", subject_id=document["subject_id"], count=len(document["results"]))


@subject_app.command("restrict")
@errors_to_exit
def restrict_command(
    subject_id: SubjectId,
    reason: Annotated[str, typer.Option(help="Why: the subject's request, its number and date")],
) -> None:
    """Hide the subject's results from every search, record page, file and API answer, for
    all but the roles TRACUU_RESTRICTED_ROLES names (default: admin). The results stay in
    the archive and in the reports' counts. Audited."""
    from database.restrictions import RestrictionStore

    settings = get_settings()
    sid = canonical_subject_id(subject_id)
    added = RestrictionStore.of(settings).restrict(sid, reason, operator_name())
    audit_operator(settings, "subject_restrict", subject_id=sid, detail=reason[:200],
                   outcome="ok" if added else "already")
    console.print("Đã hạn chế xử lý." if added else "Chủ thể này đã bị hạn chế xử lý từ trước; giữ lý do cũ.",
                  highlight=False)


@subject_app.command("lift")
@errors_to_exit
def lift_command(subject_id: SubjectId) -> None:
    """Lift a restriction: the subject's results are found again. Audited."""
    from database.restrictions import RestrictionStore

    settings = get_settings()
    sid = canonical_subject_id(subject_id)
    lifted = RestrictionStore.of(settings).lift(sid)
    audit_operator(settings, "subject_lift", subject_id=sid, outcome="ok" if lifted else "none")
    console.print("Đã bỏ hạn chế xử lý." if lifted else "Chủ thể này không bị hạn chế xử lý.", highlight=False)


@subject_app.command("restrictions")
@errors_to_exit
def restrictions_command() -> None:
    """The subjects restricted now: who restricted each, when and why."""
    from database.restrictions import RestrictionStore

    rows = RestrictionStore.of(get_settings()).all()
    for r in rows:
        console.print(f"{r.subject_id}\t{r.restricted_at:%Y-%m-%d %H:%M}\t{r.restricted_by}\t{r.reason}",
                      highlight=False, soft_wrap=True)
    console.print(f"{len(rows)} chủ thể bị hạn chế xử lý.", highlight=False)


@subject_app.command("erase")
@errors_to_exit
def erase_command(
    subject_id: SubjectId,
    reason: Annotated[str, typer.Option(help="Why: the subject's request, its number and date")],
    yes: Annotated[bool, typer.Option("--yes", help="Erase without asking (it cannot be undone)")] = False,
) -> None:
    """Erase the subject's personal data from each result no longer in force (name,
    identifier, address, dossier code, summary; the text; the original and the
    PDF/A). A result still in force is kept whole and the reason written into it. Audited."""
    settings = get_settings()
    if not yes:
        typer.confirm("Xóa dữ liệu cá nhân của chủ thể này? Không hoàn tác được.", abort=True)
    sid, outcomes = erase(settings, subject_id, reason, operator_name())
    erased = [o.record_id for o in outcomes if o.erased]
    kept = [o for o in outcomes if not o.erased]
    for o in kept:
        console.print(f"{o.record_id}: giữ nguyên — {o.reason}", highlight=False, soft_wrap=True)
    console.print(f"Đã xóa dữ liệu cá nhân khỏi {len(erased)} kết quả; giữ nguyên {len(kept)}.", highlight=False)
    audit_operator(settings, "subject_erase", subject_id=sid, count=len(erased), hits=erased or None,
                   detail=f"{reason[:150]}; kept {len(kept)}")
