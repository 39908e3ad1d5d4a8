"""Ingestion: find files and their manifest, OCR or extract text, normalize, pull out the
metadata, and index. Stands on ``search``; knows nothing of the web front end."""
