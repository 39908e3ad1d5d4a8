from search.template import load_template
from archive.records import RECORD_FIELDS, StatusPeriod

INDEX_ONLY = {"schema_version", "text_words", "place_keys", "place_names"}


def _properties():
    return load_template()["template"]["mappings"]["properties"]


def test_mapping_has_exactly_the_record_fields():
    assert set(_properties()) == set(RECORD_FIELDS) | INDEX_ONLY


def test_mapping_is_strict_so_a_misspelt_field_fails_loudly():
    assert load_template()["template"]["mappings"]["dynamic"] == "strict"


def test_status_periods_are_nested_with_exactly_the_period_fields():
    """Nested, so that one period's start and end are matched together (search/validity.py)."""
    periods = _properties()["status_periods"]
    assert periods["type"] == "nested"
    assert set(periods["properties"]) == set(StatusPeriod.model_fields)


def test_status_events_are_kept_but_not_indexed():
    assert _properties()["status_events"] == {"type": "object", "enabled": False}
