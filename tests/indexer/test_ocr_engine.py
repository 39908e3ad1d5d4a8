"""The tesseract engine the indexer gives ocrmypdf: header lines tesseract drops are read again."""

from __future__ import annotations

from indexer.formats import sniff
from indexer.metadata import extract
from indexer.ocr import ocr_file
from indexer.ocr_engine import lost_motto_line
from search.analysis import normalize
from search.config import Settings
from tracuu.sample import Options, generate_file


def test_a_motto_without_its_second_line_means_a_line_was_lost():
    assert lost_motto_line("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 900/XNTTHN")
    assert not lost_motto_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert not lost_motto_line("Biên bản họp tổ dân phố")  # no motto at all: nothing to judge by


def test_a_header_line_tesseract_drops_is_in_the_text(tmp_path):
    """Sample seed 1's 0189.pdf (a clean 200-dpi scan): tesseract's default segmentation
    loses 'PHƯỜNG LAM SƠN | Độc lập - Tự do - Hạnh phúc' whole, and with it the agency."""
    row = generate_file(tmp_path / "sample", Options(n=200, seed=1), "0189.pdf")
    src = tmp_path / "sample" / "0189.pdf"
    text = normalize("\n".join(t or "" for t in ocr_file(src, sniff(src), tmp_path, Settings()).page_texts))
    assert "PHƯỜNG LAM SƠN" in text and "Hạnh phúc" in text
    assert extract(text, ocr=True)["issuing_agency"] == row["fields"]["issuing_agency"]
