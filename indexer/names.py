"""Vietnamese personal names: which syllables are common, and what OCR may have misread.

A system of record stores a citizen's name as the page prints it, never as we think it
should be: Hoàng Văn Thụ, Vừ A Dính, Giàng A Chứ, Lò Văn Kìm and Ksor Y Phun are real names
whose syllables are rare in Kinh names, and an earlier "repair" turned them into other real
names. So nothing here changes a name. What it does is tell a reviewer where OCR may have
gone wrong: tesseract's ``vie`` model reads some bold syllables wrongly every time — the dot
of a bold 'i' becomes a tone mark ('Chi' -> 'Chỉ'), a speck above a circumflex becomes one
('Quân' -> 'Quần') — and :func:`likely_misreading` offers the reading a clerk should check.
The record goes to the review list with that candidate; the stored name stays as read.
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
nông bế ma vi sầm cầm quàng tòng lù vừ giàng thào sùng mùa lầu hầu ksor nay siu rơ niê điểu
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


def likely_misreading(name: str) -> str | None:
    """For a name read by OCR, the common name it may have been misread from, for a clerk to
    compare with the scan: 'Đặng Thị Chỉ' -> 'Đặng Thị Chi', 'Nguyên Xuân Hải' -> 'Nguyễn
    Xuân Hải' (the first syllable is the family name). None when every syllable is a common
    name syllable or no single other reading fits. Only ever a candidate, never applied:
    'Hoàng Văn Thụ' is a name even though 'Thu' is the commoner one."""
    words = name.split()
    other = " ".join([_other_syllable(w, family=True) for w in words[:1]] + [_other_syllable(w) for w in words[1:]])
    return other if other != name else None


def unsure_misreadings(name: str, unsure: set[str]) -> list[str]:
    """The syllables of ``name`` that are a common misreading of another name syllable and
    that OCR cannot vouch for: read with low confidence (``unsure``, lower case); with a
    hook above an 'i' — tesseract reads the dot of a bold 'i' as that hook, confidently,
    every time ('Chi' -> 'Chỉ'), and no name syllable has it where the plain one is a name;
    or a family name that is none but one mark away from exactly one ('Lễ' for 'Lê',
    'Nguyên' for 'Nguyễn'): family names are a short list, misread ones are not on it."""
    words = name.split()
    return [w for i, w in enumerate(words)
            if (w.lower() in unsure or "ỉ" in w.lower() or i == 0) and _other_syllable(w, family=i == 0) != w]


def _other_syllable(word: str, family: bool = False) -> str:
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
