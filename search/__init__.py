"""The core library of Tra cứu: the record model, Vietnamese text analysis, OpenSearch
index management and query building. It knows nothing of OCR or HTTP, so the indexer and
the web front end can both stand on it without knowing of each other."""
