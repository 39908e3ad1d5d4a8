from search.index import load_template
from archive.records import RECORD_FIELDS

INDEX_ONLY = {"schema_version", "text_words"}


def test_mapping_has_exactly_the_record_fields():
    props = load_template()["template"]["mappings"]["properties"]
    assert set(props) == set(RECORD_FIELDS) | INDEX_ONLY


def test_mapping_is_strict_so_a_misspelt_field_fails_loudly():
    assert load_template()["template"]["mappings"]["dynamic"] == "strict"
