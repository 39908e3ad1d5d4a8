"""``tracuu subject …``: a data subject's rights over their personal data (Decree 13/2023).
Today: ``export`` — everything Tra cứu holds about a person or organisation, as one JSON
document: each result as the archive keeps it (the bag is the record of truth, not the
index), the files it holds, and every audit event about the subject. Each export is itself
an audit event. Registered in tracuu/cli.py like ``status``.

Restriction and erasure (issue #20) are not built yet: docs/security.md says what is missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from archive.identifiers import canonical_subject_id
from archive.layout import bag_path, read_record
from archive.records import PublicRecord
from search.config import Settings, get_settings

from .terminal import audit_operator, console, errors_to_exit

subject_app = typer.Typer(help="A data subject's rights (Decree 13/2023): export all that is held about a "
                               "CCCD or enterprise code.", no_args_is_help=True)


def export(settings: Settings, subject_id: str) -> dict[str, Any]:
    """The subject's results (from their bags), their files, and the audit events about them."""
    from database.audit import AuditLog, describe
    from search.index import RecordIndex, subject_records

    sid = canonical_subject_id(subject_id)
    found = subject_records(RecordIndex.from_settings(settings), sid)
    results = []
    for hit in found:
        record = read_record(settings.archive_dir, hit.id) or hit  # the bag, when it is there
        data = bag_path(settings.archive_dir, record.id) / "data"
        files = sorted(p.name for p in data.iterdir()) if data.is_dir() else []
        results.append({"record": json.loads(PublicRecord.of(record).model_dump_json()), "files": files})
    log = AuditLog.of(settings)
    events = [describe(e) for e in log.query(subject=sid)]
    log.close()
    return {"subject_id": sid, "results": results, "audit_events": events}


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
