"""Screenshots of the main pages for docs/, taken in the real Chromium from a running app.

    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000 --dir SAMPLE \
        --login canbo --password '…' [--out docs/screenshots]

SAMPLE is the `tracuu sample` folder the app's index was filled from (its truth.jsonl gives
a citizen's CCCD and dossier code for the citizen pages); the login is an officer account
(`tracuu user add`), or an admin's to include the admin page.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

from archive.records import record_id_for


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--login", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    truth = [json.loads(line) for line in (args.dir / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    scan = next(t for t in truth if t["scanned"] and t["in_manifest"] and t["kind"] == "construction_permit")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        page.goto(args.url + "/login")
        page.screenshot(path=args.out / "login.png")
        page.fill("#login", args.login)
        page.fill("#password", args.password)
        page.click("button[type=submit]")
        page.wait_for_url(args.url + "/")
        api = page.context.request  # the officer's session also reads the API
        kinds = api.get(f"{args.url}/api/v1/search").json()["facets"]["result_type"]

        def shot(path: str, name: str, full: bool = False) -> None:
            page.goto(args.url + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(700)  # the PDF viewer paints after load
            page.screenshot(path=args.out / name, full_page=full)
            print(args.out / name)

        shot("/?q=giay+phep+xay+dung", "search.png")
        shot(f"/?q=giay+phep&status=valid&result_type={kinds[0]['value']}", "search-filtered.png")
        shot(f"/records/{record_id_for(scan['sha256'])}", "record.png")
        def indexed(t):  # a manifest may leave the dossier code out; ask the index what it holds
            return api.get(f"{args.url}/api/v1/records/{record_id_for(t['sha256'])}").json()

        citizen = next(r for t in truth
                       if t["fields"].get("dossier_code")
                       and sum(u["fields"]["subject_id"] == t["fields"]["subject_id"] for u in truth) > 1
                       and (r := indexed(t)).get("dossier_code") and r.get("subject_id"))
        if "/admin" in page.content():
            shot("/admin", "admin.png")
        shot("/reports", "reports-progress.png")
        shot("/reports/six-monthly", "reports-six-monthly.png")
        shot("/reports/six-monthly?format=print", "report-print.png")
        shot("/reports/quality", "reports-quality.png")
        page.context.clear_cookies()  # the citizen's own browser
        shot("/citizen", "citizen-form.png")
        page.goto(args.url + "/citizen")
        page.fill("#subject_id", citizen["subject_id"])
        page.fill("#dossier_code", citizen["dossier_code"])
        page.click("button[type=submit]")
        page.wait_for_url("**/citizen/records")
        page.screenshot(path=args.out / "citizen-records.png")
        print(args.out / "citizen-records.png")
        browser.close()


if __name__ == "__main__":
    main()
