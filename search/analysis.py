"""Vietnamese text functions shared by indexing and querying.

Index and query must be normalized the same way, or a word written one way in a record is
not found when typed another way. Folding of diacritics is *not* done here: OpenSearch
does it in the mapping (asciifolding sub-fields), so exact and folded matches can be scored
differently.
"""

from __future__ import annotations

import re
import unicodedata

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng


def _old_style_table() -> dict[str, str]:
    """Map new-style tone placement on oa/oe/uy (hoà, khoẻ, thuý) to the old style
    (hòa, khỏe, thúy) used throughout administrative documents ("Ủy ban")."""
    table: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in _TONES:
            for f, s in ((first, second), (first.upper(), second.upper()), (first.upper(), second)):
                new = unicodedata.normalize("NFC", f + s + tone)
                old = unicodedata.normalize("NFC", f + tone + s)
                table[new] = old
    return table


_OLD_STYLE = _old_style_table()
# Only at the end of a syllable (hoàn keeps its à) and not after q (quý: u belongs to qu).
_TONE_PLACEMENT = re.compile(
    r"(?<![qQ])(" + "|".join(map(re.escape, _OLD_STYLE)) + r")(?!\w)"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MANY_NEWLINES = re.compile(r"\n{3,}")
#: A syllable of Vietnamese text: a run of letters (OCR's unsure syllables are recorded by it
#: and a title's are looked up by it, indexer/ocr_engine.py and indexer/metadata/lexicon.py).
SYLLABLE = re.compile(r"[^\W\d_]+")


#: Letters OCR and old fonts put where Vietnamese has đ: the Icelandic eth looks the same.
_LOOKALIKES = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ"})


def normalize(text: str) -> str:
    """NFC, one tone-mark placement, đ for its look-alikes, no control characters, tidy
    white space."""
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES)
    text = _TONE_PLACEMENT.sub(lambda m: _OLD_STYLE[m.group(1)], text)
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def segment(text: str) -> str:
    """pyvi word segmentation: syllables of one word joined by ``_`` (thủ_tục hành_chính).

    Runs line by line so that segmentation never glues words across lines of a form.
    """
    from pyvi import ViTokenizer  # loads a CRF model: import on first use, not at start-up

    return "\n".join(ViTokenizer.tokenize(line) if line.strip() else "" for line in text.split("\n"))


def toneless(text: str) -> str:
    """Without tone marks but with the letters' own (ư, â, đ stay): 'Chỉ' -> 'Chi', 'Quần' ->
    'Quân'. For telling words apart that OCR confuses by their tone alone."""
    return unicodedata.normalize(
        "NFC", "".join(c for c in unicodedata.normalize("NFD", text) if c not in _TONES))


def fold(text: str) -> str:
    """Without diacritics (đ → d), as typed on a keyboard with no Vietnamese input method.
    Search folds in OpenSearch; this is for comparing names in Python."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
