# The Tra cứu application (web, API and the ingest command). OpenSearch and Tika run as
# their own containers; see docker-compose.yml.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-vie ghostscript qpdf unpaper pngquant fonts-liberation2 \
      libreoffice-writer-nogui fonts-dejavu-core fonts-crosextra-carlito \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 tracuu
WORKDIR /app
COPY pyproject.toml README.md ./
COPY archive ./archive
COPY search ./search
COPY indexer ./indexer
COPY web ./web
COPY tracuu ./tracuu
COPY database ./database
COPY mappings ./mappings
# Editable, so search/ finds mappings/ beside it (the mapping files are not package data).
RUN pip install --no-cache-dir -e . && mkdir -p /data && chown tracuu /data

USER tracuu
ENV TRACUU_DATA_DIR=/data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["tracuu", "serve", "--host", "0.0.0.0", "--port", "8000"]
