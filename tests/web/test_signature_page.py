"""The record page says who signed only as far as the chain shows it (issue #20, item 5):
"Chứng thư hợp lệ" when the signer's certificate leads to a root the operator installed,
"Chưa xác thực được chứng thư" and the reason otherwise — ingested for real, through Tika."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from helpers import log_in
from indexer.pipeline import Ingestor
from indexer.signature import NO_PATH, NO_ROOTS
from search.index import find
from search.query import SearchRequest
from signing import ca, issued_signer, signed_pdf
from web.app import create_app

pytestmark = [pytest.mark.opensearch, pytest.mark.tika]


def _page_of_signed_result(settings, index, tmp_path, signer) -> str:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "quyet-dinh.pdf").write_bytes(signed_pdf("QUYET DINH so 77/QD-UBND cap giay phep", signer))
    report = Ingestor(settings, index).ingest_dir(folder)
    assert report.ingested == ["quyet-dinh.pdf"], report.failed
    record_id = find(index, SearchRequest()).hits[0].id
    with TestClient(create_app(settings)) as client:
        log_in(client, settings)
        return client.get(f"/records/{record_id}").text


def test_a_signer_the_installed_root_certifies_is_shown_verified(fresh_settings, fresh_index, tmp_path):
    root = ca("Root CA thử")
    roots = tmp_path / "roots"
    roots.mkdir()
    (roots / "root.pem").write_bytes(root[1].public_bytes(serialization.Encoding.PEM))
    settings = fresh_settings.model_copy(update={"trust_roots": roots})
    page = _page_of_signed_result(settings, fresh_index, tmp_path, issued_signer(root, "UBND huyện Lục Ngạn"))
    assert "Chứng thư hợp lệ" in page and "Chưa xác thực được chứng thư" not in page


@pytest.mark.parametrize("installed", [False, True])
def test_otherwise_the_page_says_not_verified_and_why(fresh_settings, fresh_index, tmp_path, installed):
    root, stranger = ca("Root CA thử"), ca("CA lạ")
    settings = fresh_settings
    if installed:
        roots = tmp_path / "roots"
        roots.mkdir()
        (roots / "root.pem").write_bytes(root[1].public_bytes(serialization.Encoding.PEM))
        settings = fresh_settings.model_copy(update={"trust_roots": roots})
    page = _page_of_signed_result(settings, fresh_index, tmp_path, issued_signer(stranger, "UBND huyện Lục Ngạn"))
    assert "Toàn vẹn" in page  # the bytes are the signed ones…
    assert "Chưa xác thực được chứng thư" in page and (NO_PATH if installed else NO_ROOTS).split(" (")[0] in page
