"""The Tra cứu database (PostgreSQL): what every web process, worker and host must see alike.

    connection.py   one connection pool per database per process; DatabaseUnavailable
    migrations/     the schema, by alembic (``migrate``): procrastinate's jobs, ingest outcomes,
                    accounts, API keys, sessions, rate-limit hits
    accounts.py     officer and admin accounts, their rights, API keys
    sessions.py     server-side sessions (a cookie names one; logout and a password change end it)
    rate_limits.py  the ``limits`` library's moving windows, counted in the database
    upgrade.py      importing the files of an older installation (accounts.sqlite3)

The archive (``archive/``) stays the system of record for results; this is operational
state, docs/shared-state.md.
"""
