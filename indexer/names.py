"""Vietnamese personal names as OCR misreads them, put right where only one reading fits.

Why: a name has no second spelling in a result to learn from (the signer's appears once, in
bold), and tesseract's ``vie`` model reads some bold syllables wrongly every time — the dot
of a bold 'i' becomes a tone mark ('Chi' -> 'Chỉ'), a speck above a circumflex becomes one
('Quân' -> 'Quần'). Vietnamese names are drawn from a small set of syllables, and such
misreadings leave a syllable that is not a name at all. Only then is it changed, and only
to a syllable that differs from it in its tone mark alone (or, if none does, in its marks
alone):

* exactly one such name syllable exists -> that one;
* several exist, and the mark was read *above an 'i'* -> the unmarked one (the i's own dot
  is what was read as the mark);
* otherwise the name is left as read: a guess would be worse than a visible misreading,
  which the quality review list (search/quality.py) shows a clerk anyway.

Applied only to text read by OCR; typed text is never changed.
"""

from __future__ import annotations

from search.analysis import fold, toneless

_ABOVE_I = {"ì", "í", "ỉ", "ĩ"}

#: Family names, most common first (about 99 % of the population carries one of these).
SURNAMES = """
nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn đinh lâm
mai trịnh trương lương lưu cao tạ hà kiều quách tôn thái văn châu chu tăng thân vương
phùng lại lục mạc khúc kha tiêu triệu từ diệp la doãn âu ông cù chế giang hứa hầu nghiêm
quan thạch tống bạch ninh viên nhâm lã lò lường mạnh kim lạc đàm đồng khổng
""".split()

#: Syllables of middle and given names (either can be either).
GIVEN = """
an ái ánh anh bá bách bạch bảo bằng bắc bích biên bình bính bội cảnh cát cầm cẩm chánh chí
chi chiến chinh chính chung chương công cúc cường diễm diệp diệu dinh doanh du dung dũng
duy duyên dư dương đại đan đang đạo đạt đăng đằng điệp định đình đông đồng đức giang giao
hà hải hạnh hào hảo hạ hằng hân hậu hiền hiển hiếu hiệp hoa hòa hóa hoài hoan hoàn hoàng
hồng hợp huấn huệ hùng hưng hương hường hữu huy huyền huỳnh khải khang khanh khánh khiêm
khoa khôi khuê khương kiên kiều kim kỳ lam lan lành lâm lân lệ liên liễu linh loan lộc
lợi long luân lực lương ly lý mai mạnh minh mơ my mỹ nam nga ngà ngân nghĩa nghị ngọc
nguyên nguyệt nhã nhân nhàn nhật nhi nhiên nhung như oanh phát phi phong phú phúc phụng
phước phương phượng quang quảng quân quế quốc quý quyên quyết quỳnh sang sáng sơn sương
tài tâm tân tấn tiên tiến tín tình toàn toản tú tuấn tùng tuệ tuyền tuyết tư tường thạch
thái thanh thành thảo thắm thắng thăng thân thi thị thiên thiện thịnh thoa thoại thông
thu thuận thục thùy thủy thúy thư thương thy trà trâm trân trang tráng trí triết triều
trinh trọng trúc trung trường tuyên uyên vân văn việt vinh vĩnh vũ vy xuân yên yến ý
bảy ba cần chân châu cương diễn doãn đào đoan giáp hạc hiên hiệu hòe hội hưởng kha khởi
lạc lăng lễ lĩnh lụa lương mẫn miên mừng nhàn nhẫn nhất ninh phấn phụng quyền sinh sỹ sĩ
tám tâm thao thể thế thiệu thìn thoan thuần thụy tiệp tịnh trạch tri truyền tuân tuyến
tự ứng vịnh vọng vượng xuyến yên lành
""".split()

_SURNAMES = set(SURNAMES)
_ALL = _SURNAMES | set(GIVEN)


def _index(syllables: set[str], key) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s in syllables:
        out.setdefault(key(s), set()).add(s)
    return out


_BY_TONELESS, _BY_LETTERS = _index(_ALL, toneless), _index(_ALL, fold)
_SURNAMES_BY_TONELESS, _SURNAMES_BY_LETTERS = _index(_SURNAMES, toneless), _index(_SURNAMES, fold)


def is_surname(word: str) -> bool:
    return word.lower() in _SURNAMES


def repair(name: str) -> str:
    """'Đặng Thị Chỉ' -> 'Đặng Thị Chi', 'Nguyên Xuân Hải' -> 'Nguyễn Xuân Hải' (the first
    syllable is the family name); any name whose syllables are all names, as it is."""
    words = name.split()
    return " ".join([_repair_syllable(w, family=True) for w in words[:1]] + [_repair_syllable(w) for w in words[1:]])


def _repair_syllable(word: str, family: bool = False) -> str:
    low = word.lower()
    known = _SURNAMES if family else _ALL
    if low in known or not low.isalpha():
        return word
    by_tone, by_letters = (_SURNAMES_BY_TONELESS, _SURNAMES_BY_LETTERS) if family else (_BY_TONELESS, _BY_LETTERS)
    bare = toneless(low)
    # By tone mark first; failing that, by letters alone ('Hưỳnh': a horn read on the u).
    candidates = by_tone.get(bare) or by_letters.get(fold(low), set())
    if len(candidates) == 1:
        choice = next(iter(candidates))
    elif bare in candidates and any(c in _ABOVE_I for c in low):
        choice = bare
    else:
        return word
    return choice.upper() if word.isupper() else choice.capitalize() if word[:1].isupper() else choice
