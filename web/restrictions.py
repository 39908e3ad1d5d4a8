"""What a restriction of a subject's personal data (database/restrictions.py) hides from
whom: every principal but a citizen (who sees their own) and the officers whose role
``TRACUU_RESTRICTED_ROLES`` names is given ``hidden_subjects`` to leave out of searches,
and is refused a restricted result by ``refuse_if_restricted`` — with the reason, never a
"not found": an officer told nothing exists would ask the citizen for the paper again, a
system would answer "holds no valid result", both wrong. Each refusal is audited.
"""

from __future__ import annotations

from fastapi import Request

from archive.records import Record

from .auth import AccessDenied, Principal, audit

MESSAGE = ("Kết quả này đang bị hạn chế xử lý theo yêu cầu của chủ thể dữ liệu (Nghị định 13/2023/NĐ-CP); "
           "chỉ cán bộ có vai trò được giao mới xem được. Hãy liên hệ quản trị viên nếu cần.")
MESSAGE_EN = "This result is restricted at the data subject's request (Decree 13/2023)."


def sees_restricted(request: Request, who: Principal) -> bool:
    return who.kind == "citizen" or (who.is_staff and who.kind in request.app.state.settings.restricted_role_set)


def hidden_subjects(request: Request, who: Principal) -> frozenset[str]:
    """The subjects whose results ``who`` may not see (empty for those who may see all),
    read from the database once per request: a record page asks for its own check, its
    file's and its similar records'."""
    if sees_restricted(request, who):
        return frozenset()
    if (known := getattr(request.state, "hidden_subjects", None)) is None:
        known = request.state.hidden_subjects = request.app.state.restrictions.subject_ids()
    return known


def refuse_if_restricted(request: Request, who: Principal, record: Record, action: str,
                         subject_id: str | None = None) -> None:
    """AccessDenied (403, the reason) when ``record`` — or, for a lookup, ``subject_id`` —
    belongs to a restricted subject ``who`` may not see; the attempt is audited."""
    sid = subject_id or (record.subject_id if record is not None else None)
    if sid and sid in hidden_subjects(request, who):
        audit(request, who, action, record_id=record.id if record is not None else None, subject_id=sid,
              outcome="restricted")
        raise AccessDenied(403, MESSAGE, MESSAGE_EN)
