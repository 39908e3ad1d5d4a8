"""Which runs of syllables are Vietnamese words, for judging a title read by OCR.

tesseract's ``vie`` model misreads the bold summary under a document's kind mostly by its
tone marks — 'chỉ tiết' for 'chi tiết', 'sửa đối, bố sung' for 'sửa đổi, bổ sung', 'thấm
quyền', 'Thương bỉnh' — and marks some words it read right as unsure. Nothing is corrected
here; a lexicon only tells which readings to trust:

* an unsure syllable is **confirmed** when it makes a word of the lexicon with a neighbour
  ('tiền' in 'tiền lương'); a syllable that stands alone cannot be checked, so it is not;
* a pair of syllables that is no word, but is one with another tone on one of them, where
  neither syllable makes a word with its other neighbour, is a **tone misread** ('chỉ tiết':
  'chi tiết' is a word, and neither 'định chỉ' nor 'tiết hoạt' is); in 'định chi tiết' both
  syllables of 'định chi' (a tone away from 'đình chỉ') are taken by 'quy định' and 'chi
  tiết', so it is not one.

The lexicon is pyvi's (``pyvi/models/words.txt``, the tokenizer we already use: about 25,000
words of two or more syllables), a general dictionary of the language, not one made from
our documents. Old and new tone placement ('thoả' / 'thỏa') compare equal.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import pyvi

from search.analysis import SYLLABLE, toneless

#: Tone marks as Unicode combining characters: grave, acute, hook above, tilde, dot below.
_TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")
#: Where a run of words ends: punctuation, or a dash between spaces ('Lao động - Thương binh').
_BREAK = re.compile(r"[,;:()\"“”'‘’!?.]|\s[-–]\s")
_LONGEST = 4  # syllables in the longest word looked for


def _syllable_key(syllable: str) -> str:
    """The syllable without its tone, then its tone: 'thỏa' and 'thoả' both -> 'thoa' + hook."""
    low = syllable.lower()
    tone = "".join(c for c in unicodedata.normalize("NFD", low) if c in _TONE_MARKS)
    return toneless(low) + tone


def _key(syllables: list[str] | tuple[str, ...]) -> str:
    return " ".join(_syllable_key(s) for s in syllables)


@functools.cache
def _words() -> tuple[frozenset[str], frozenset[str]]:
    """(words of two or more syllables, the same without tones)."""
    path = Path(pyvi.__file__).parent / "models" / "words.txt"
    words = {_key(line.split()) for line in path.read_text(encoding="utf-8").splitlines()
             if len(line.split()) >= 2}
    return frozenset(words), frozenset(toneless(w) for w in words)


def _runs(text: str) -> list[list[str]]:
    """The text's runs of syllables between punctuation."""
    return [SYLLABLE.findall(part) for part in _BREAK.split(text)]


def _in_word(run: list[str], i: int, skip: tuple[int, int] | None = None) -> bool:
    """Whether syllable ``i`` of ``run`` makes a word of the lexicon with its neighbours
    (other than the span ``skip``)."""
    words = _words()[0]
    for start in range(max(0, i - _LONGEST + 1), i + 1):
        for end in range(i + 1, min(len(run), start + _LONGEST) + 1):
            if end - start >= 2 and (start, end) != skip and _key(run[start:end]) in words:
                return True
    return False


def _doubted(flat: list[str], unsure: frozenset[str], places: frozenset[tuple[str, str, str]] | None,
             at: frozenset[int] | None = None, sure: frozenset[int] = frozenset()):
    """Whether syllable ``g`` of ``flat`` (the lower-case syllables of a text) is in doubt
    (``unconfirmed`` says how)."""
    low = {w.strip(".,;:()").lower() for w in unsure}
    where: dict[str, list[tuple[str, str]]] = {}
    for before, syllable, after in places or ():
        where.setdefault(syllable, []).append((before, after))

    def doubted(g: int) -> bool:
        if g in sure:
            return False
        if at is not None:
            return g in at
        if places is None:
            return flat[g] in low
        return any((not b or g == 0 or b == flat[g - 1]) and (not a or g + 1 == len(flat) or a == flat[g + 1])
                   for b, a in where.get(flat[g], ()))
    return doubted


def unconfirmed(text: str, unsure: frozenset[str] = frozenset(),
                places: frozenset[tuple[str, str, str]] | None = None,
                at: frozenset[int] | None = None, sure: frozenset[int] = frozenset()) -> str | None:
    """The first syllable of ``text`` that is in doubt and no word of the lexicon confirms;
    None when every doubted syllable is part of a word. Doubted: with ``at``, the syllables
    at those positions (of ``SYLLABLE.findall(text)``); with ``places`` (each syllable OCR
    read unsure, with the syllables before and after it on its line, '' at a line's end),
    a syllable where it stands in one of them; else wherever it is one of the ``unsure``
    words. Syllables at the positions ``sure`` are vouched for otherwise (their shape)."""
    doubted = _doubted([s.lower() for s in SYLLABLE.findall(text)], unsure, places, at, sure)
    g = 0
    for run in _runs(text):
        for i, syllable in enumerate(run):
            if doubted(g) and not _in_word(run, i):
                return syllable
            g += 1
    return None


def unsure_syllable(text: str, unsure: frozenset[str] = frozenset(),
                    places: frozenset[tuple[str, str, str]] | None = None) -> str | None:
    """The first syllable of ``text`` OCR read unsure (where it stands, with ``places``),
    whatever words it makes: for a name, which no lexicon confirms."""
    syllables = SYLLABLE.findall(text)
    doubted = _doubted([s.lower() for s in syllables], unsure, places)
    return next((s for g, s in enumerate(syllables) if doubted(g)), None)


def tone_misread(text: str) -> str | None:
    """The first pair of syllables of ``text`` that looks misread by a tone mark (module
    docstring), or None."""
    words, toneless_words = _words()
    for run in _runs(text):
        for i in range(len(run) - 1):
            pair = run[i: i + 2]
            key = _key(pair)
            if key in words or toneless(key) not in toneless_words:
                continue
            span = (i, i + 2)
            if not _in_word(run, i, span) and not _in_word(run, i + 1, span):
                return " ".join(pair)
    return None
