#!/usr/bin/env bash
# Install what Tra cứu needs on a Debian machine, and nothing that is already there:
# Debian packages (OCR, LibreOffice, fonts, Java, Maven, PostgreSQL), a venv with the project (editable, dev extras),
# and the OpenSearch and Tika artifacts from Maven Central. Safe to re-run; fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  tesseract-ocr tesseract-ocr-vie   # OCR engine and its Vietnamese model
  ghostscript qpdf unpaper pngquant # what ocrmypdf uses around tesseract
  poppler-utils                     # pdftoppm, pdftotext: looking at pages and text
  fonts-liberation2                 # Times-like fonts with Vietnamese glyphs for samples
  # PDF/A of office, HTML and text results (indexer/office_pdf.py). Without a GUI; a full
  # libreoffice-writer already installed does as well (the two conflict: it is kept).
  "libreoffice-writer-nogui|libreoffice-writer"
  fonts-dejavu-core fonts-crosextra-carlito  # Vietnamese glyphs; Carlito has Calibri's metrics
  openjdk-17-jre-headless maven     # OpenSearch and Tika run on Java 17, fetched with Maven
  postgresql-15                     # the ingest job queue (tracuu services runs its own server)
  chromium                          # the real browser the web tests drive (playwright)
  "nginx-light|nginx"               # TLS and a password in front of OpenSearch, as a remote cluster (tests)
)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for want in "${APT_PACKAGES[@]}"; do
  # "a|b": either will do; the first is installed when neither is.
  IFS='|' read -ra alternatives <<< "$want"
  have=""
  for pkg in "${alternatives[@]}"; do installed "$pkg" && have=1 && break; done
  [ -n "$have" ] || missing+=("${alternatives[0]}")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
# Reinstall only when the dependency list changed.
stamp=.venv/.tracuu-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing the project into .venv"
  .venv/bin/pip install -q -e '.[dev]'
  echo "$want" > "$stamp"
fi

.venv/bin/tracuu services fetch >/dev/null
echo "setup: ready"
