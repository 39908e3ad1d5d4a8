"""The signer: the name under the role lines of the main document's signature block, not under
a form's blank in its annexes. (Digital signatures are read by indexer/signature.py.)
"""

from __future__ import annotations

import re

from .. import names
from .shapes import DOC_NUMBER, PLACE_DATE, capitals, is_role, person_name

#: Where the main document ends and what is attached begins (Decree 30: the body closes with
#: './.'; annexes and forms follow the signature).
_ANNEX = re.compile(r"^(?:PHỤ\s+LỤC\b|Phụ\s+lục(?:\s+(?:số\s+)?[IVXLC\d]+[a-z]?)?\s*[:.]?\s*$|"
                    r"(?:Mẫu|MẪU)\s+(?:số|SỐ)\s*[\w./-]+\s*$)")
#: A form's blank for a signature, not a signature: '(Ký, ghi rõ họ tên, đóng dấu)'.
_PLACEHOLDER = re.compile(r"\(\s*(?:Ký|ký|Chữ ký)[^)]*(?:họ tên|họ và tên)", re.I)
#: Ranks and titles printed before a signer's name ('Đại tướng Lương Tam Quang').
_RANK = re.compile(r"^(?:Đại|Thượng|Trung|Thiếu)\s+tướng\s+|^(?:GS|PGS|TS|ThS|BS)\.?\s*(?:TS\.?\s*)?", re.I)


def _signature_roles(body: list[str]) -> list[int]:
    """Role lines of the main document's signature block: the first block after the line
    that closes the body with './.', or else the last one before the annexes."""
    end = next((i for i, ln in enumerate(body) if _ANNEX.match(ln) and i > 3), len(body))
    roles = [i for i, line in enumerate(body[:end]) if is_role(line)]
    closing = next((i for i, ln in enumerate(body[:end]) if ln.rstrip().endswith("./.")), None)
    if closing is not None and (after := [i for i in roles if i > closing]):
        block = [after[0]]
        for i in after[1:]:
            # 'XÁC THỰC …', number, date, then 'KT. BỘ TRƯỞNG'; where OCR read the agency's
            # column across ('… THƯƠNG BINH XÁC THỰC …' / 'VÀ XÃ HỘI'), its rest comes between.
            between = body[block[-1] + 1: i]
            if i - block[-1] > 3 and not (len(between) <= 4 and all(
                    capitals(ln) or DOC_NUMBER.search(ln) or PLACE_DATE.search(ln) for ln in between)):
                break
            block.append(i)
        return block
    return roles[-1:] if roles else []


_RECIPIENTS = re.compile(r"Nơi\s+nhận|^\W?\s*[-~•]\s*\S.*;\s*$")


def signer_name(body: list[str]) -> str | None:
    """The name under the role lines of the signature block ('TM. CHÍNH PHỦ' / 'KT. THỦ
    TƯỚNG' / 'PHÓ THỦ TƯỚNG' / name). Of the lines that could be it, one that starts with a
    family name wins over a scrawl OCR made of the signature or the stamp ('TU HE'); failing
    that, the first. A form's blank '(Ký, ghi rõ họ tên)' means there is no signer."""
    roles = _signature_roles(body)
    if not roles:
        return None
    found = []
    # The name is at the foot of the block; beside the recipients' list ('Nơi nhận: - …;'),
    # which OCR reads line by line across, it comes after as many lines as the list has.
    window = 12 if any(_RECIPIENTS.search(ln) for ln in body[roles[-1] - 1: roles[-1] + 3]) else 4
    for line in body[roles[-1] + 1: roles[-1] + window + 1]:
        line = re.sub(r"^.*(?:;|\.)\s+(?=[^\s])", "", line)  # recipients' column merged by OCR
        if _PLACEHOLDER.search(line):
            return None
        if line.startswith(("(", "[")) or is_role(line) or DOC_NUMBER.search(line) or PLACE_DATE.search(line):
            continue
        if name := person_name(_RANK.sub("", line)):
            found.append(name)
    return next((n for n in found if names.is_surname(n.split()[0])), found[0] if found else None)
