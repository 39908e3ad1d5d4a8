"""The officers' ingest page (web/routes/ingest_page.py): upload files with a manifest, the
jobs listed as a real `tracuu worker` processes them, a failed one retried; who may use
it; and the page in the real Chromium. Each test has a database of its own
(tests/test_ingest_service.py's fixtures)."""

from __future__ import annotations

import re
import time

import pytest
from database.audit import AuditLog
from fastapi.testclient import TestClient

from helpers import OFFICER_PASSWORD, api_key, csrf_of, ensure_account, log_in, served
import test_ingest_service as service
from test_ingest_service import _wait_status

# the database of its own and the real `tracuu worker` processes of tests/test_ingest_service.py
queue_settings = service.queue_settings
workers = service.workers

pytestmark = [pytest.mark.postgres, pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]


def _born_digital(tmp_path, name: str) -> tuple[bytes, dict]:
    from tracuu.sample import Options, generate_file

    row = generate_file(tmp_path / "in", Options(n=8, seed=11, scanned_share=0.0), name)
    return (tmp_path / "in" / name).read_bytes(), row


def _job_row(html: str, job_id: int) -> str:
    m = re.search(rf'<tr id="job-{job_id}".*?</tr>', html, re.S)
    assert m, f"job {job_id} not listed"
    return m.group(0)


def test_ingest_page_upload_with_manifest_list_and_retry(queue_settings, workers, fresh_index, tmp_path):
    from indexer import queue
    from web.app import create_app

    first, row1 = _born_digital(tmp_path, "0002.pdf")
    second, _row2 = _born_digital(tmp_path, "0006.pdf")
    manifest = ("file,procedure_code,issued_date\n"
                "Nguyen Van A.pdf,1.004227,\n"
                "Tran Thi B.pdf,,32/13/2024\n").encode()
    workers.start("w1")
    with TestClient(create_app(queue_settings)) as web:
        log_in(web, queue_settings)
        page = web.get("/ingest")
        assert page.status_code == 200 and "Nhập kết quả vào kho" in page.text
        assert 'href="/ingest"' in page.text  # in the navigation
        token = csrf_of(page.text)
        upload = [("files", ("Nguyen Van A.pdf", first, "application/pdf")),
                  ("files", ("Tran Thi B.pdf", second, "application/pdf")),
                  ("manifest", ("manifest.csv", manifest, "text/csv"))]

        # no CSRF token, nothing queued
        assert web.post("/ingest", files=upload).status_code == 403
        assert queue.recent_jobs(queue_settings) == []

        r = web.post("/ingest", files=upload, data={"csrf_token": token})
        assert r.status_code == 200, r.text
        ids = [int(i) for i in re.findall(r"việc <strong>(\d+)</strong>", r.text)]
        assert len(ids) == 2
        assert "(manifest dòng 2)" in r.text
        assert re.search(r"Dòng 3: Tran Thi B\.pdf: ngày ở cột &#39;issued_date&#39; không hợp lệ", r.text), r.text
        for job_id in ids:  # both listed at once
            assert _job_row(r.text, job_id)
        # nothing personal in the spool's file names
        assert not [p for p in queue_settings.spool_dir.glob("*") if "Nguyen" in p.name or "Tran" in p.name]

        states = [_wait_status(queue_settings, j, {"done", "failed", "duplicate"}) for j in ids]
        assert [s["status"] for s in states] == ["done", "done"], states
        page = web.get("/ingest")
        for job_id, st in zip(ids, states):
            listed = _job_row(page.text, job_id)
            assert 'data-status="done"' in listed and "Đã xong" in listed
            assert f'href="/records/{st["record_id"]}"' in listed
        assert "Refresh" not in page.headers  # nothing left to wait for
        rec = web.get(f"/api/v1/records/{states[0]['record_id']}").json()
        assert rec["procedure_code"] == "1.004227"
        assert rec["source_sha256"] == row1["sha256"]

        # a corrupt PDF: failed with its reason, and "Thử lại" queues it again
        r = web.post("/ingest", files=[("files", ("hong.pdf", b"%PDF-1.4 this is not a pdf", "application/pdf"))],
                     data={"csrf_token": token})
        assert r.status_code == 200 and "Refresh" in r.headers
        bad = int(re.search(r"việc <strong>(\d+)</strong>", r.text).group(1))
        failed = _wait_status(queue_settings, bad, {"done", "failed", "duplicate"})
        assert failed["status"] == "failed" and failed["error"]
        listed = _job_row(web.get("/ingest").text, bad)
        assert "Lỗi" in listed and 'class="job-error"' in listed and f'action="/ingest/{bad}/retry"' in listed
        assert failed["error"][:30] in listed.replace("&#39;", "'").replace("&quot;", '"')

        assert web.post(f"/ingest/{bad}/retry").status_code == 403  # no CSRF token
        r = web.post(f"/ingest/{bad}/retry", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/ingest?retried={bad}"
        again = next(j for j in queue.recent_jobs(queue_settings) if j["job_id"] == bad)
        assert again["status"] in ("queued", "running", "failed")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            again = next(j for j in queue.recent_jobs(queue_settings) if j["job_id"] == bad)
            if again["status"] == "failed" and again["attempts"] >= 2:
                break
            time.sleep(0.5)
        assert again["status"] == "failed" and again["attempts"] >= 2, again
        assert "file gone" not in again["error"] and "không còn" not in again["error"]  # the bytes came back
        # a job that is not failed is not retried
        assert web.post(f"/ingest/{ids[0]}/retry", data={"csrf_token": token}).status_code == 409

    actions = [e.action for e in AuditLog.of(queue_settings).events()]
    assert actions.count("ingest_upload") >= 3 and "ingest_retry" in actions

    # an API key (even with the ingest scope) or a citizen cannot use the page
    key = api_key(queue_settings, "ingest", "search", "read")
    with TestClient(create_app(queue_settings), headers={"Authorization": f"Bearer {key}"}) as system:
        r = system.get("/ingest", follow_redirects=False)
        assert r.status_code in (303, 401, 403) and "Nhập kết quả vào kho" not in r.text
        assert system.post("/ingest", files=upload, follow_redirects=False).status_code in (303, 401, 403)
    with TestClient(create_app(queue_settings)) as citizen:
        citizen.get("/citizen")
        r = citizen.get("/ingest", follow_redirects=False)
        assert r.status_code == 303 and "/login" in r.headers["location"]
        assert citizen.post(f"/ingest/{bad}/retry", follow_redirects=False).status_code in (303, 401, 403)

    # the push API's limits: kind and size, told per file (by its place in the upload, not its name)
    small = queue_settings.model_copy(update={"max_file_bytes": 1000})
    with TestClient(create_app(small)) as web:
        log_in(web, small)
        token = csrf_of(web.get("/ingest").text)
        r = web.post("/ingest", data={"csrf_token": token},
                     files=[("files", ("a.exe", b"MZ", "application/octet-stream")),
                            ("files", ("Le Van C.pdf", first, "application/pdf"))])
        assert r.status_code == 200
        assert "Tệp thứ 1 không được nhận: loại tệp &#39;.exe&#39;" in r.text
        assert "Tệp thứ 2 không được nhận: vượt giới hạn" in r.text
        assert "Đã xếp hàng" not in r.text
        assert web.post("/ingest", data={"csrf_token": token}).status_code == 400  # no file chosen


@pytest.fixture
def ingest_server(queue_settings):
    """The app on this test's database and data dir, over real HTTP: its base URL."""
    with served(queue_settings) as url:
        yield url


def test_ingest_page_in_the_browser(chromium, ingest_server, queue_settings, workers, fresh_index, tmp_path):
    data, _row = _born_digital(tmp_path, "0002.pdf")
    upload = tmp_path / "ket-qua.pdf"
    upload.write_bytes(data)
    ensure_account(queue_settings)
    workers.start("w1")
    context = chromium.new_context(base_url=ingest_server, locale="vi-VN")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/login")
        page.fill("#login", "canbo")
        page.fill("#password", OFFICER_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(ingest_server + "/")
        page.get_by_role("link", name="Nhập tệp").click()
        page.wait_for_url("**/ingest")
        page.set_input_files("#files", str(upload))
        page.get_by_role("button", name="Nhập", exact=True).click()
        assert "Đã xếp hàng 1 tệp" in page.locator("#upload-result").inner_text()
        # the page reloads itself (Refresh header) until the worker is done
        page.wait_for_selector('tr.job[data-status="done"]', timeout=180_000)
        job = page.locator('tr.job[data-status="done"]').first
        assert "Đã xong" in job.inner_text()
        job.get_by_role("link", name="Xem hồ sơ").click()
        page.wait_for_url(re.compile(r"/records/"))
    finally:
        context.close()
