"""The system of record: the archive of BagIt bags, the record model kept in them, and the
journals of facts added after ingest (corrections, reuse events).

Everything else — the OpenSearch index, counts, reports — is derived from what is here and
can be rebuilt from it; so every write lands here first, atomically and durably, and is
never lost to a crash, a second writer or a full disk. It depends on nothing but the error
hierarchy (search/errors.py): neither OCR, nor OpenSearch, nor HTTP.
"""
