"""The tesseract engine the indexer gives ocrmypdf: header lines tesseract drops are read again."""

from __future__ import annotations

from types import SimpleNamespace

from indexer import ocr_engine
from indexer.formats import sniff
from indexer.metadata import extract
from indexer.ocr import ocr_file
from indexer.ocr_engine import lost_motto_line
from search.analysis import SYLLABLE, normalize
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
    result = ocr_file(src, sniff(src), tmp_path, Settings())
    text = normalize("\n".join(t or "" for t in result.page_texts))
    assert "PHƯỜNG LAM SƠN" in text and "Hạnh phúc" in text
    assert extract(text, ocr=True)["issuing_agency"] == row["fields"]["issuing_agency"]
    assert result.dpi == row["dpi"] == 200  # the resolution the names' caution below 200 dpi is judged by
    # Each unsure syllable is kept with its neighbours as its line reads them, so that a
    # title's syllables are judged where they stand (indexer/metadata/ocr_title.py).
    lines = [" ".join(SYLLABLE.findall(line.lower())) for line in text.splitlines()]
    unsure = {s for w in result.unsure_words for s in SYLLABLE.findall(w.lower())}
    assert result.unsure_places
    for before, syllable, after in result.unsure_places:
        assert syllable in unsure
        assert any(f" {before} {syllable} {after} ".replace("  ", " ") in f" {line} " for line in lines)


def _options() -> SimpleNamespace:
    """The options of an ocrmypdf call, as much of them as the engine reads."""
    return SimpleNamespace(languages=["vie"], tesseract=SimpleNamespace(
        oem=None, config=[], timeout=1, thresholding=0, user_words=None, user_patterns=None, omp_thread_limit=1))


def test_a_second_reading_that_fails_or_comes_back_empty_leaves_the_first(tmp_path, monkeypatch):
    """Faults the real tesseract cannot be made to produce on demand: an error, and the empty
    page it leaves when it runs out of time; for either renderer's reading."""
    from ocrmypdf.exceptions import SubprocessOutputError

    first = "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 900/XNTTHN"
    options = _options()

    def fails(**kw):
        raise SubprocessOutputError("tesseract failed")

    def empty(**kw):
        out = kw.get("output_hocr") or kw["output_pdf"]
        out.write_text("<html></html>" if "output_hocr" in kw else "", "utf-8")
        if "output_pdf" in kw:
            out.with_suffix(".hocr").write_text("<html></html>", "utf-8")
        kw["output_text"].write_text("[page too complex]", "utf-8")

    for pdf, engine_call, out in ((False, "generate_hocr", tmp_path / "000001_ocr_hocr.hocr"),
                                  (True, "generate_pdf", tmp_path / "000001_ocr_tess.pdf")):
        text, hocr = out.with_suffix(".txt"), out.with_suffix(".hocr")
        out.write_text("first out", "utf-8")
        hocr.write_text("<html>first</html>", "utf-8")
        text.write_text(first, "utf-8")
        for fake in (fails, empty):
            monkeypatch.setattr(ocr_engine.tesseract, engine_call, fake)
            ocr_engine._read_sparse(tmp_path / "page.png", out, text, options, pdf=pdf)
            assert text.read_text("utf-8") == first and hocr.read_text("utf-8") == "<html>first</html>"
            assert out.read_text("utf-8") == ("<html>first</html>" if not pdf else "first out")


def test_a_second_reading_with_the_line_replaces_pdf_text_and_hocr_together(tmp_path, monkeypatch):
    """The text layer, the sidecar text and the confidence must come from the same reading."""
    options = _options()
    out = tmp_path / "000001_ocr_tess.pdf"
    for path, content in ((out, "first pdf"), (out.with_suffix(".hocr"), "first hocr"),
                          (out.with_suffix(".txt"), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")):
        path.write_text(content, "utf-8")

    def reads_the_line(**kw):
        assert kw["pagesegmode"] == 11
        kw["output_pdf"].write_text("sparse pdf", "utf-8")
        kw["output_pdf"].with_suffix(".hocr").write_text("sparse hocr", "utf-8")
        kw["output_text"].write_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", "utf-8")

    monkeypatch.setattr(ocr_engine.tesseract, "generate_pdf", reads_the_line)
    ocr_engine._read_sparse(tmp_path / "page.png", out, out.with_suffix(".txt"), options, pdf=True)
    assert out.read_text("utf-8") == "sparse pdf"
    assert out.with_suffix(".hocr").read_text("utf-8") == "sparse hocr"
    assert "Hạnh phúc" in out.with_suffix(".txt").read_text("utf-8")
