import unicodedata

import pytest

from indexer.legacy import _TCVN3, _VNI, detect, fix_legacy, to_unicode

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
VOWELS = "aăâeêioôơuưy"
EVERY_VOWEL_AND_TONE = " ".join(
    unicodedata.normalize("NFC", vowel + tone) for vowel in VOWELS for tone in TONES
)

# The legacy paragraphs below were produced with encoders written from other sources than
# indexer/legacy.py (GNU libiconv's tcvn.h for TCVN3, UniKey vnconv's VNIWIN table for VNI).
TCVN3_PARAGRAPH = (
    "C¨n cø LuËt Tæ chøc chÝnh quyÒn ®Þa ph\xad¬ng ngµy 19 th¸ng 6 n¨m 2015; c¨n cø NghÞ "
    "®Þnh sè 61/2018/N§-CP ngµy 23 th¸ng 4 n¨m 2018 cña ChÝnh phñ vÒ thùc hiÖn c¬ chÕ mét "
    "cöa, mét cöa liªn th«ng trong gi¶i quyÕt thñ tôc hµnh chÝnh; xÐt ®Ò nghÞ cña Gi¸m ®èc "
    "Së T\xad ph¸p t¹i Tê tr×nh sè 45/TTr-STP, Uû ban nh©n d©n tØnh quyÕt ®Þnh: §iÒu 1. "
    "C«ng bè kÌm theo QuyÕt ®Þnh nµy danh môc thñ tôc hµnh chÝnh ®\xadîc chuÈn ho¸ thuéc "
    "ph¹m vi chøc n¨ng qu¶n lý cña Së T\xad ph¸p. §iÒu 2. QuyÕt ®Þnh nµy cã hiÖu lùc thi "
    "hµnh kÓ tõ ngµy ký. Ch¸nh V¨n phßng Uû ban nh©n d©n tØnh, Gi¸m ®èc c¸c së, ban, ngµnh "
    "vµ Chñ tÞch Uû ban nh©n d©n c¸c huyÖn, thµnh phè chÞu tr¸ch nhiÖm thi hµnh "
    "“QuyÕt ®Þnh” nµy./."
)
TCVN3_PARAGRAPH_UNICODE = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; căn cứ Nghị "
    "định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một "
    "cửa, một cửa liên thông trong giải quyết thủ tục hành chính; xét đề nghị của Giám đốc "
    "Sở Tư pháp tại Tờ trình số 45/TTr-STP, Uỷ ban nhân dân tỉnh quyết định: Điều 1. "
    "Công bố kèm theo Quyết định này danh mục thủ tục hành chính được chuẩn hoá thuộc "
    "phạm vi chức năng quản lý của Sở Tư pháp. Điều 2. Quyết định này có hiệu lực thi "
    "hành kể từ ngày ký. Chánh Văn phòng Uỷ ban nhân dân tỉnh, Giám đốc các sở, ban, ngành "
    "và Chủ tịch Uỷ ban nhân dân các huyện, thành phố chịu trách nhiệm thi hành "
    "“Quyết định” này./."
)
VNI_PARAGRAPH = (
    "UÛY BAN NHAÂN DAÂN THAØNH PHOÁ ÑAØ NAÜNG. QUYEÁT ÑÒNH veà vieäc ban haønh Quy cheá "
    "tieáp nhaän, giaûi quyeát hoà sô theo cô cheá moät cöûa. Ñieàu 1. Ban haønh keøm theo "
    "Quyeát ñònh naøy Quy cheá tieáp nhaän vaø traû keát quaû hoà sô thuû tuïc haønh chính "
    "taïi Boä phaän moät cöûa cuûa UÛy ban nhaân daân phöôøng. Ñieàu 2. Coâng chöùc ñöôïc "
    "giao nhieäm vuï coù traùch nhieäm höôùng daãn toå chöùc, caù nhaân hoaøn thieän hoà sô, "
    "khoâng ñöôïc yeâu caàu boå sung giaáy tôø ngoaøi quy ñònh, baûo ñaûm ñuùng thôøi haïn "
    "ghi treân giaáy tieáp nhaän. Ñieàu 3. Quyeát ñònh naøy coù hieäu löïc keå töø ngaøy kyù; "
    "nhöõng quy ñònh tröôùc ñaây traùi vôùi Quyeát ñònh naøy ñeàu baõi boû."
)
VNI_PARAGRAPH_UNICODE = (
    "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG. QUYẾT ĐỊNH về việc ban hành Quy chế "
    "tiếp nhận, giải quyết hồ sơ theo cơ chế một cửa. Điều 1. Ban hành kèm theo "
    "Quyết định này Quy chế tiếp nhận và trả kết quả hồ sơ thủ tục hành chính "
    "tại Bộ phận một cửa của Ủy ban nhân dân phường. Điều 2. Công chức được "
    "giao nhiệm vụ có trách nhiệm hướng dẫn tổ chức, cá nhân hoàn thiện hồ sơ, "
    "không được yêu cầu bổ sung giấy tờ ngoài quy định, bảo đảm đúng thời hạn "
    "ghi trên giấy tiếp nhận. Điều 3. Quyết định này có hiệu lực kể từ ngày ký; "
    "những quy định trước đây trái với Quyết định này đều bãi bỏ."
)

NOT_LEGACY = {
    "unicode vietnamese": VNI_PARAGRAPH_UNICODE,
    "unicode vietnamese, new tone placement": (
        "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. Hoà, khỏe, thủy, "
        "quá, hóa, ôi, ơi, ưu, người, giữ gìn, nghĩa vụ, khuya, thuở, chuyện, quốc gia."
    ),
    "unicode vietnamese, capitals": (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM - ĐỘC LẬP TỰ DO HẠNH PHÚC - QUYẾT ĐỊNH VỀ VIỆC "
        "BAN HÀNH QUY CHẾ TIẾP NHẬN HỒ SƠ"
    ),
    "unicode vietnamese, decomposed": unicodedata.normalize("NFD", TCVN3_PARAGRAPH_UNICODE),
    "vietnamese without marks": "Cong hoa xa hoi chu nghia Viet Nam, Doc lap - Tu do - Hanh phuc",
    "english": (
        "The People's Committee of the province decided to publish the list of administrative "
        "procedures; the decision takes effect from the date of signing."
    ),
    "french": (
        "Le conseil municipal a décidé, après une longue réunion où chacun a pu s'exprimer, "
        "de rénover l'école maternelle et d'aménager un théâtre près de la forêt. Noël, "
        "Hélène et François ont été élus à l'unanimité ; « c'est déjà ça », a dit le maire, "
        "très ému, à côté du vieux château. Où est la naïveté ? Où est le cœur ?"
    ),
    "german": (
        "Die Gemeinde hat beschlossen, die Straße vor dem Rathaus zu erneuern. Über die "
        "Kosten für die Brücke müssen die Bürger noch abstimmen; schön wäre eine Lösung bis "
        "Mai, damit die Schüler und Mädchen sicher zur Schule gehen können."
    ),
    "spanish": (
        "El señor alcalde anunció que la población tendrá acceso a los documentos públicos "
        "en español y en inglés; el niño y la niña recibirán una educación más económica."
    ),
    "symbols": "© 2005 Microsoft® Word — « ½ » ¼ ¾ ±",
    "empty": "",
}


def _encoder(table: dict[str, str]) -> dict[str, str]:
    """Unicode letter -> legacy sequence, from the module's own decoding table."""
    encoder: dict[str, str] = {}
    for legacy, letter in table.items():
        if legacy in (legacy.lower(), legacy.upper()):  # skip VNI's mixed-case spellings
            encoder.setdefault(letter, legacy)
    return encoder


def _encode(text: str, table: dict[str, str]) -> str:
    encoder = _encoder(table)
    return "".join(encoder.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def test_tables_hold_every_letter_once():
    letters = {x for x in EVERY_VOWEL_AND_TONE.split() if not x.isascii()} | {"đ"}
    assert set(_TCVN3.values()) == letters | set("ĂÂÊÔƠƯĐ")
    assert len(_TCVN3) == len(letters) + 7
    assert set(_encoder(_VNI)) == letters | {x.upper() for x in letters}
    assert all(unicodedata.is_normalized("NFC", v) for v in (*_TCVN3.values(), *_VNI.values()))


@pytest.mark.parametrize("encoding, table, text", [
    ("tcvn3", _TCVN3, f"Thủ tục: {EVERY_VOWEL_AND_TONE} đ Ă Â Ê Ô Ơ Ư Đ."),
    ("vni", _VNI, f"Thủ tục: {EVERY_VOWEL_AND_TONE} đ. THỦ TỤC: {EVERY_VOWEL_AND_TONE.upper()} Đ."),
    ("tcvn3", _TCVN3, TCVN3_PARAGRAPH_UNICODE),
    ("vni", _VNI, VNI_PARAGRAPH_UNICODE),
])
def test_round_trip_every_vowel_and_tone(encoding, table, text):
    legacy = _encode(text, table)
    assert legacy != text
    legacy.encode("cp1252")  # what Tika would return: every letter was encodable
    assert to_unicode(legacy, encoding) == text


def test_tcvn3_sample_sentence():
    assert to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3") == (
        "Cộng hoà xã hội chủ nghĩa Việt Nam"
    )


def test_vni_sample_sentences():
    assert to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni") == (
        "Cộng hòa xã hội chủ nghĩa Việt Nam"
    )
    assert to_unicode("Ñoäc laäp - Töï do - Haïnh phuùc", "vni") == "Độc lập - Tự do - Hạnh phúc"


def test_tcvn3_capitals_font_keeps_lower_case_codes_lower_case():
    # .VnTimeH draws "é" as "Ộ"; the bytes do not say so, and we do not guess.
    assert to_unicode("CéNG HOµ X· HéI", "tcvn3") == "CộNG HOà Xã HộI"


def test_vni_mark_case_does_not_matter_the_base_decides():
    assert to_unicode("Aên uoáng. AÊN UOÁNG. aÊn", "vni") == "Ăn uống. ĂN UỐNG. ăn"


def test_vni_marks_that_cannot_combine_are_left_alone():
    assert to_unicode("Noë, uâ", "vni") == "Noë, uâ"


@pytest.mark.parametrize("legacy, unicode_text, encoding", [
    (TCVN3_PARAGRAPH, TCVN3_PARAGRAPH_UNICODE, "tcvn3"),
    (VNI_PARAGRAPH, VNI_PARAGRAPH_UNICODE, "vni"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam", "tcvn3"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam", "vni"),
])
def test_legacy_text_is_detected_and_converted(legacy, unicode_text, encoding):
    assert detect(legacy) == encoding
    assert fix_legacy(legacy) == (unicode_text, encoding)


@pytest.mark.parametrize("text", NOT_LEGACY.values(), ids=NOT_LEGACY.keys())
def test_other_text_is_not_legacy_and_passes_through(text):
    assert detect(text) is None
    fixed, encoding = fix_legacy(text)
    assert encoding is None
    assert fixed is text


def test_short_text_is_not_guessed():
    assert detect("Céng hoµ") is None
    assert detect("où") is None


def test_unknown_encoding_is_refused():
    with pytest.raises(ValueError, match="viscii"):
        to_unicode("abc", "viscii")
