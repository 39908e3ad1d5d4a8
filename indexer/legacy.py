"""Vietnamese typed in the legacy 8-bit font encodings (TCVN3 and VNI), turned into Unicode.

Agency archives are full of DOC files typed before Unicode took over, in the ".VnTime"
fonts (TCVN3, also called ABC or TCVN 5712:1993) or the "VNI-Times" fonts. The letters
live in the font, not in the file: Tika hands their bytes back as cp1252 text, e.g.
"Céng hoµ x· héi" or "Coäng hoøa xaõ hoäi", which nobody can search for. The file does
not say which font it used, so the encoding is guessed from the text itself.

Tables (cross-checked against each other, byte for byte):
- TCVN3: the lower-case and the seven precomposed capitals of TCVN 5712:1993 (VN3), as in
  UniKey's vnconv ``data.cpp`` and GNU libiconv's ``tcvn.h``.
- VNI: the "VNIWIN" table of UniKey's vnconv ``data.cpp`` (also vietnamese-conversion's
  ``charsets.ts``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# TCVN3 byte -> letter. Capitals other than the seven at 0xA1-0xA7 do not exist: they were
# typed with the same codes in the ".VnTimeH" capitals fonts, so they come out lower case.
_TCVN3_TABLE = """
a1 Ă  a2 Â  a3 Ê  a4 Ô  a5 Ơ  a6 Ư  a7 Đ
a8 ă  a9 â  aa ê  ab ô  ac ơ  ad ư  ae đ
b5 à  b6 ả  b7 ã  b8 á  b9 ạ
bb ằ  bc ẳ  bd ẵ  be ắ  c6 ặ
c7 ầ  c8 ẩ  c9 ẫ  ca ấ  cb ậ
cc è  ce ẻ  cf ẽ  d0 é  d1 ẹ
d2 ề  d3 ể  d4 ễ  d5 ế  d6 ệ
d7 ì  d8 ỉ  dc ĩ  dd í  de ị
df ò  e1 ỏ  e2 õ  e3 ó  e4 ọ
e5 ồ  e6 ổ  e7 ỗ  e8 ố  e9 ộ
ea ờ  eb ở  ec ỡ  ed ớ  ee ợ
ef ù  f1 ủ  f2 ũ  f3 ú  f4 ụ
f5 ừ  f6 ử  f7 ữ  f8 ứ  f9 ự
fa ỳ  fb ỷ  fc ỹ  fd ý  fe ỵ
"""
_fields = _TCVN3_TABLE.split()
_TCVN3 = {chr(int(code, 16)): letter for code, letter in zip(_fields[::2], _fields[1::2])}
_TCVN3_TRANSLATE = str.maketrans(_TCVN3)

# VNI: a plain base letter followed by one mark byte (the capital mark byte after a capital).
# The mark bytes are Latin-1 letters, so they only count after a base they can sit on.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_VNI_TONE = {"ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}  # vowels, ơ, ư
_VNI_HAT = {"â": "", "à": _GRAVE, "á": _ACUTE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}  # a e o
_VNI_BREVE = {"ê": "", "è": _GRAVE, "é": _ACUTE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}  # a
_VNI_SINGLE = {"ñ": "đ", "ô": "ơ", "ö": "ư", "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
               "î": "ỵ"}


def _build_vni() -> dict[str, str]:
    table = {}
    for single, letter in _VNI_SINGLE.items():
        table[single], table[single.upper()] = letter, letter.upper()
    for bases, marks, shape in (("aeo", _VNI_HAT, "\u0302"), ("a", _VNI_BREVE, "\u0306"),
                                ("aeouyôö", _VNI_TONE, "")):
        for base in bases:
            for mark, tone in marks.items():
                letter = unicodedata.normalize("NFC", table.get(base, base) + shape + tone)
                # The mark's case is not trusted: Word's "Title Case" writes "Aên" for "Ăn".
                for b, m in ((base, mark), (base, mark.upper())):
                    table[b + m] = letter
                    table[b.upper() + m.swapcase()] = letter.upper()
    return table


_VNI = _build_vni()
_VNI_MARKS = "".join({**_VNI_TONE, **_VNI_HAT, **_VNI_BREVE})
_VNI_RE = re.compile(f"[aeouyôöAEOUYÔÖ][{_VNI_MARKS}{_VNI_MARKS.upper()}]|"
                     f"[{''.join(_VNI_SINGLE)}{''.join(_VNI_SINGLE).upper()}]")


def _vni_sub(match: re.Match[str]) -> str:
    seq = match.group()
    if seq in _VNI:
        return _VNI[seq]
    return _VNI.get(seq[0], seq[0]) + seq[1]  # a mark that cannot sit on this base


def to_unicode(text: str, encoding: str) -> str:
    """Decode text that Tika read as cp1252 from a legacy font; the result is NFC so that it
    compares and indexes like text typed in Unicode."""
    if encoding == "tcvn3":
        text = text.translate(_TCVN3_TRANSLATE)
    elif encoding == "vni":
        text = _VNI_RE.sub(_vni_sub, text)
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected 'tcvn3' or 'vni'")
    return unicodedata.normalize("NFC", text)


# A Vietnamese syllable: the yardstick for telling legacy bytes from real accented text.
_TONES = frozenset((_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT))
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_OPEN = ("iêu|yêu|oai|oao|oay|oeo|uây|uôi|ươi|ươu|uya|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|"
         "oi|ôi|ơi|ua|ui|ưa|ưi|ưu|uơ")  # nothing may follow these
_CLOSED = "uyê|iê|yê|uô|ươ|oă|uâ|ă|â"  # these need a final consonant
_FREE = "oa|oe|oo|uê|uy|a|e|ê|i|o|ô|ơ|u|ư|y"
_CODA = "ch|ng|nh|c|m|n|p|t"
_SYLLABLE = re.compile(f"({_ONSET})?(?:({_OPEN})|({_CLOSED})({_CODA})|({_FREE})({_CODA})?)")


@lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) > 1:
        return False
    plain = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    m = _SYLLABLE.fullmatch(plain)
    if not m:
        return False
    onset, nucleus = m.group(1) or "", m.group(2) or m.group(3) or m.group(5)
    coda = m.group(4) or m.group(6) or ""
    if coda in ("c", "ch", "p", "t") and tones not in ([_ACUTE], [_DOT]):
        return False  # stopped syllables only take the sắc or nặng tone
    # Spelling: k, gh, ngh only before e ê i y; c, ng (and g, but for "gì") never there.
    front = nucleus[0] in "eêiy"
    if onset in ("k", "gh", "ngh"):
        return front
    return not ((onset in ("c", "ng") and front) or (onset == "g" and nucleus[0] in "eê"))


# Letters as Tika returns them from legacy fonts: TCVN3 uses nearly every byte from 0xA1 up,
# several of which (·, ¸, ©, ®, ÷ ...) are not letters to Unicode.
_WORD = re.compile(r"[A-Za-z\u00a1-\u00ff\u0100-\u01b0\u0300-\u0323\u1ea0-\u1ef9]+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_MAX_WORDS = 5000  # a legacy document is typed in one font; the start of it is enough


def _score(words: list[str], encoding: str) -> tuple[int, float, float]:
    """Net words fixed, net per changed word, share of syllables after decoding.

    Three numbers, because each alone is fooled: French "où" becomes the syllable "ó" in
    VNI, and Unicode Vietnamese decoded as TCVN3 still yields some syllables."""
    changed = gained = lost = valid_after = 0
    for word in words:
        after = to_unicode(word, encoding)
        ok_after = _is_syllable(after)
        valid_after += ok_after
        if after != word:
            changed += 1
            ok_before = _is_syllable(word)
            gained += ok_after and not ok_before
            lost += ok_before and not ok_after
    net = gained - lost
    return net, net / changed if changed else 0.0, valid_after / len(words) if words else 0.0


def detect(text: str) -> str | None:
    """Name the legacy encoding of text, or None.

    Single characters prove nothing (é, ô, ü are ordinary letters in Unicode Vietnamese,
    French and German), so each candidate decoding is judged by its effect on whole words:
    it must turn many non-syllables into Vietnamese syllables, and break almost none.
    """
    # Words with no ASCII letter ("«", "©") say nothing about the language.
    words = [w for w in _WORD.findall(text) if _ASCII_LETTER.search(w)][:_MAX_WORDS]
    best, best_net = None, 0
    for encoding in ("tcvn3", "vni"):
        net, per_changed, valid_share = _score(words, encoding)
        if net >= 3 and per_changed >= 0.5 and valid_share >= 0.5 and net > best_net:
            best, best_net = encoding, net
    return best


def fix_legacy(text: str) -> tuple[str, str | None]:
    """Unicode text for indexing, plus the legacy encoding it came from (None if it was
    already Unicode) so the caller can record that the text was converted."""
    encoding = detect(text)
    return (to_unicode(text, encoding), encoding) if encoding else (text, None)
