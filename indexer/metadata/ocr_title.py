"""Whether a title read by OCR may be stored, or is only a candidate for a clerk.

The summary under a document's kind ('NGHỊ ĐỊNH' / 'Quy định chi tiết …') is set in bold,
which tesseract reads worst, mostly by a tone mark ('chỉ tiết', 'sửa đối, bỗ sung'): on real
gazette pages drawn at 200 dpi a third of the titles. A title has nothing else to be checked
against — no closed list, as the kinds of document have — but two things in the page:

* **Its other printings.** The preamble repeats the whole title in ordinary type ('… ban
  hành Nghị định sửa đổi, bổ sung …'), and the body often repeats a run of it ('Mức chi tổ
  chức và hoạt động …'). Where OCR read a printing with the same letters but other marks,
  one of the two is misread: each syllable is taken as one printing reads it, the one way
  of choosing that leaves every chosen syllable in a word of the lexicon and no pair
  misread by a tone (``lexicon``); no such way, or more than one, and the title is a
  candidate. A syllable every printing reads the same way is never changed.
* **tesseract's confidence, where the syllable stands.** A title whose syllables tesseract
  was sure of, or whose unsure syllables each make a word with a neighbour, is stored. The
  confidence is looked up by the syllable and its neighbours on its line (``unsure_at``),
  so a word read unsure somewhere else on the page does not hold the title back; records
  read before that was kept have only the page's unsure words (``unsure``).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict

from search.analysis import SYLLABLE, fold

from ..procedures import RESULT_NAMES
from . import lexicon
from .title import KINDS

#: Syllables a passage must share with the title, marks aside, to count as a printing of it.
SHARED_RUN = 5
#: Disagreements between printings weighed at most (2^8 ways of choosing).
_MOST_DISAGREEMENTS = 8


def _hooked_i(title: str) -> frozenset[str]:
    """Syllables with 'ỉ': tesseract reads the dot of a bold 'i' as a hook above ('chỉ tiết'
    for 'chi tiết'; names.py knows the same misreading), even with full confidence and in
    every printing, so in a title such a syllable counts only inside a word of the lexicon."""
    return frozenset(s for s in SYLLABLE.findall(title.lower()) if "ỉ" in s)


def stored_title(title: str, text: str, unsure: frozenset[str] | None,
                 unsure_at: frozenset[tuple[str, str, str]] | None = None) -> str | None:
    """The title as it may be stored from an OCR'd ``text``, or None: a candidate. A kind
    alone ('GIẤY KHAI SINH') is checked against the closed list and stored."""
    if title.lower() in KINDS:
        return title
    options = printings(title, text)
    if any(len(o) > 1 for o in options):
        title = reconciled(title, options)
        if title is None:
            return None
    elif lexicon.tone_misread(title):
        return None
    # After the printings are reconciled: a 'chỉ' another printing reads 'chi' is settled by
    # them; one every printing reads 'chỉ' must be inside a word.
    if lexicon.unconfirmed(after_kind(title), _hooked_i(title)):
        return None
    if _stray_stop(title) or _punctuation_differs(title, text):
        return None
    if all(len(o) == 1 for o in options) and _printed_twice(title, text):
        return title  # two printings read alike, in bold and in ordinary type
    if unsure is None and unsure_at is None:
        return None
    summary = after_kind(title)
    return None if lexicon.unconfirmed(summary, unsure or frozenset(), unsure_at, sure=shaped(summary, text)) else title


#: A document quoted by its number in a title ('Kết luận số 18-KL/TW', 'Nghị định số
#: 289/2025/NĐ-CP', 'Quyết định số 225/QĐ-BLĐTBXH').
_QUOTED_NUMBER = re.compile(r"\d+(?:/\d{4})?(?:[/-][^\W_]+)+")
#: The words of a date where its digits follow them ('ngày 03 tháng 10 năm 2025').
_DATE_WORD = re.compile(r"(?<!\w)(?:ngày|tháng|năm)(?=\s*\d)", re.IGNORECASE)


def shaped(summary: str, text: str) -> frozenset[int]:
    """Syllables of ``summary`` (positions of ``SYLLABLE.findall``) whose shape vouches for
    them where no word of the lexicon can: the words of a date before its digits (the only
    words that slot holds), and the letters of a quoted document number that ``text`` prints
    again letter for letter (a second printing of it, as the preamble cites it)."""
    spans = [m.span() for m in _DATE_WORD.finditer(summary)]
    spans += [m.span() for m in _QUOTED_NUMBER.finditer(summary) if text.count(m.group()) >= 2]
    return frozenset(g for g, s in enumerate(SYLLABLE.finditer(summary))
                     if any(a <= s.start() and s.end() <= b for a, b in spans))


def printings(title: str, text: str) -> list[set[str]]:
    """For each syllable of ``title`` (lower case), how every printing of it in ``text`` reads
    it: the title's own, the preamble's, and each run of at least ``SHARED_RUN`` syllables
    the text shares with it, letters compared without marks."""
    want = [w.lower() for w in SYLLABLE.findall(title)]
    words = [w.lower() for w in SYLLABLE.findall(text)]
    options = [{w} for w in want]
    for i, j, length in _shared_runs([fold(w) for w in want], [fold(w) for w in words]):
        for k in range(length):
            options[i + k].add(words[j + k])
    return options


def reconciled(title: str, options: list[set[str]]) -> str | None:
    """``title`` with each syllable the printings disagree on chosen so that every chosen
    syllable is in a word of the lexicon and no pair looks misread by a tone: the one such
    choice, or None."""
    tokens = list(SYLLABLE.finditer(title))
    apart = [i for i, o in enumerate(options) if len(o) > 1]
    if len(apart) > _MOST_DISAGREEMENTS:
        return None
    sound = set()
    for choice in itertools.product(*(sorted(options[i]) for i in apart)):
        candidate = _respelled(title, tokens, dict(zip(apart, choice)))
        if lexicon.tone_misread(candidate) is None and lexicon.unconfirmed(candidate, at=frozenset(apart)) is None:
            sound.add(candidate)
    return sound.pop() if len(sound) == 1 else None


def after_kind(title: str) -> str:
    """The title past its kind, where it starts with one of a closed list spelled as listed —
    the kinds of document ('Trích lục' of 'Trích lục khai sinh') or the names of the results
    of common procedures as their forms print them ('Giấy chứng nhận cơ sở đủ điều kiện an
    toàn thực phẩm', indexer/procedures.py): those words need no lexicon to be trusted."""
    low = title.lower()
    kind = max((k for k in KINDS | RESULT_NAMES if low == k or low.startswith(k + " ")), key=len, default="")
    return title[len(kind):]


def _printed_twice(title: str, text: str) -> bool:
    """Whether ``text`` prints the whole title twice with the same letters and marks."""
    want = [w.lower() for w in SYLLABLE.findall(title)]
    words = [w.lower() for w in SYLLABLE.findall(text)]
    n = len(want)
    starts = (j for j, w in enumerate(words) if want and w == want[0])
    return sum(words[j: j + n] == want for j in starts) >= 2


#: Punctuation between two syllables, as a summary prints it.
_MARKS = re.compile(r"[,.;:]")


def _gaps(text: str) -> tuple[list[str], list[str]]:
    """The syllables of ``text`` (folded) and the punctuation between each and the next."""
    tokens = list(SYLLABLE.finditer(text))
    gaps = ["".join(_MARKS.findall(text[a.end():b.start()])) for a, b in zip(tokens, tokens[1:])]
    return [fold(t.group().lower()) for t in tokens], gaps


def _punctuation_differs(title: str, text: str) -> bool:
    """Whether the title has a comma or stop between two syllables where another printing of
    that run ('… tiền lương và thu nhập …' in the preamble) has none ('tiền lương, và'): OCR
    adds marks from specks far more often than it drops them, and the title is then a
    candidate. A mark only the other printing has is not held against the title."""
    key, title_gaps = _gaps(title)
    words, text_gaps = _gaps(text)
    for i, j, n in _shared_runs(key, words):
        if any(title_gaps[i + k] and not text_gaps[j + k] for k in range(n - 1)):
            return True
    return False


def _stray_stop(title: str) -> bool:
    """A full stop inside the title before a word in lower case ('bồi dưỡng. và chế độ'): a
    summary is one phrase, so that stop is a speck OCR read."""
    return any(m[1].islower() for m in re.finditer(r"\.\s+(\w)", title))


def _shared_runs(key: list[str], folded: list[str]) -> list[tuple[int, int, int]]:
    """(title position, text position, length) of each longest run of at least
    ``SHARED_RUN`` syllables the text shares with the title."""
    at: dict[str, list[int]] = defaultdict(list)
    for j, word in enumerate(folded):
        at[word].append(j)
    runs: list[tuple[int, int, int]] = []
    previous: dict[int, int] = {}  # text position -> length of the run ending there
    for i, syllable in enumerate([*key, None]):
        current = {j: previous.get(j - 1, 0) + 1 for j in at.get(syllable, ())} if syllable else {}
        runs += [(i - n, j - n + 1, n) for j, n in previous.items() if n >= SHARED_RUN and j + 1 not in current]
        previous = current
    return runs


def _respelled(title: str, tokens: list[re.Match], chosen: dict[int, str]) -> str:
    """``title`` with syllable ``i`` spelled ``chosen[i]``, in the case it was printed in."""
    out, at = [], 0
    for i, m in enumerate(tokens):
        word, printed = chosen.get(i, m.group()), m.group()
        if printed.isupper() and len(printed) > 1:
            word = word.upper()
        elif printed[:1].isupper():
            word = word[:1].upper() + word[1:]
        out += [title[at: m.start()], word]
        at = m.end()
    return "".join(out) + title[at:]
