"""The web front end and JSON API. Stands on ``search``; knows nothing of ingestion."""
