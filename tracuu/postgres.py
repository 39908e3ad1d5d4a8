"""A local PostgreSQL server for development, CI and the demo (``tracuu services``).

Debian's ``postgresql-15`` (binaries in /usr/lib/postgresql/15/bin, not on PATH) runs as a
plain child process whose files live under ``TRACUU_DATA_DIR/services/postgres``:

    data/          PGDATA (initdb'd on first start)
    run/           the unix socket (only when its path is short enough)
    password       the generated password of the ``tracuu`` role (0600), for TCP
    postgres.log   the server's log

PostgreSQL refuses to run as root; under root it runs in a user namespace (``unshare
--user``), as OpenSearch does (tracuu/services.py): it sees itself as uid 1000 while its
files stay root's outside, so no account and no parent folder has to be opened to anyone.
Ready when ``postmaster.pid`` says so and ``pg_isready`` answers; stopped with SIGINT (fast
shutdown), then SIGQUIT, then SIGKILL.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from archive.bags import alive
from search.errors import TracuuError

DB_NAME = "tracuu"
SUPERUSER = "tracuu"
_SOCK_MAX = 100  # sun_path is 108 bytes incl. NUL; PostgreSQL appends "/.s.PGSQL.<port>"


class PgError(TracuuError):
    exit_code = 6


def bindir() -> Path:
    """Where initdb/postgres live. Debian puts them in /usr/lib/postgresql/<major>/bin (not on PATH)."""
    cands = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                   key=lambda p: int(re.search(r"/(\d+)/bin/", p).group(1)), reverse=True)
    if cands:
        return Path(cands[0]).parent
    found = shutil.which("postgres")
    if found:
        return Path(found).resolve().parent
    raise PgError("Không tìm thấy PostgreSQL (PostgreSQL server binaries not found); "
                  "hãy chạy scripts/setup.sh (apt-get install postgresql-15).")


# -- running as root ------------------------------------------------------------------


def _wrap(cmd: list[str], mode: str) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    if mode == "unshare":
        return ["unshare", "--user", "--map-user=1000", "--map-group=1000", *cmd]
    if mode == "runuser":
        return ["runuser", "-u", "postgres", "--", *cmd]
    raise ValueError(mode)


def _prepare_dirs(home: Path, mode: str) -> None:
    for d in (home, home / "run"):
        d.mkdir(parents=True, exist_ok=True)
    os.chmod(home / "run", 0o700)
    if os.geteuid() == 0 and mode == "runuser":
        # the postgres account must own its dirs AND reach them: every parent needs o+x
        shutil.chown(home, "postgres", "postgres")
        for d in (home / "run", home / "data"):
            if d.exists():
                subprocess.run(["chown", "-R", "postgres:postgres", str(d)], check=True)
            else:
                d.mkdir(mode=0o700)
                shutil.chown(d, "postgres", "postgres")


# -- paths ----------------------------------------------------------------------------


def _pgdata(home: Path) -> Path:
    return home / "data"


def _sockdir(home: Path, port: int) -> str:
    d = str((home / "run").resolve())
    return d if len(f"{d}/.s.PGSQL.{port}") <= _SOCK_MAX else ""  # "" = TCP only


def password(home: Path) -> str:
    return (home / "password").read_text().strip()


def url(home: Path, port: int, host: str = "127.0.0.1") -> str:
    return f"postgresql://{SUPERUSER}:{password(home)}@{host}:{port}/{DB_NAME}"


# -- init -----------------------------------------------------------------------------


def _initdb(home: Path, mode: str) -> None:
    pgdata = _pgdata(home)
    if (pgdata / "PG_VERSION").exists():
        return
    pwfile = home / "password"
    if not pwfile.exists():
        pwfile.write_text(secrets.token_urlsafe(24) + "\n")
        os.chmod(pwfile, 0o600)
    # initdb reads the pwfile as the server user: give it a copy inside PGDATA's parent it can read
    tmp_pw = home / "run" / "initdb.pw"
    tmp_pw.write_text(password(home) + "\n")
    if os.geteuid() == 0 and mode == "runuser":
        shutil.chown(tmp_pw, "postgres", "postgres")
    cmd = [str(bindir() / "initdb"), "-D", str(pgdata), "-U", SUPERUSER, f"--pwfile={tmp_pw}",
           "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
           "--locale=C.UTF-8", "--no-instructions"]
    r = subprocess.run(_wrap(cmd, mode), capture_output=True, text=True)
    tmp_pw.unlink(missing_ok=True)
    if r.returncode != 0:
        shutil.rmtree(pgdata, ignore_errors=True)
        raise PgError(f"initdb failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")


# -- state ----------------------------------------------------------------------------


def _postmaster_pid(home: Path) -> tuple[int | None, str]:
    """(pid, status) from PGDATA/postmaster.pid; status is 'ready', 'starting', 'stopping', ''."""
    try:
        lines = (_pgdata(home) / "postmaster.pid").read_text().splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None, ""
    if not _alive(pid):
        return None, ""
    return pid, (lines[7].strip() if len(lines) > 7 else "")


def _alive(pid: int) -> bool:
    """archive.bags.alive, and not a zombie: a server we stopped but did not reap yet."""
    if not alive(pid):
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _port_busy(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _accepting(home: Path, host: str, port: int) -> bool:
    r = subprocess.run([str(bindir() / "pg_isready"), "-q", "-h", host, "-p", str(port),
                        "-d", DB_NAME, "-U", SUPERUSER, "-t", "2"])
    return r.returncode == 0


def status(home: Path, port: int, host: str = "127.0.0.1") -> dict:
    home = Path(home)
    pid, st = _postmaster_pid(home)
    return {"pid": pid, "state": st or ("stopped" if pid is None else "unknown"),
            "ready": bool(pid) and st == "ready" and _accepting(home, host, port),
            "initialised": (_pgdata(home) / "PG_VERSION").exists()}


# -- start / stop ---------------------------------------------------------------------


def start(home: Path, port: int, host: str = "127.0.0.1", mode: str = "unshare",
          timeout: float = 60.0) -> int:
    """Start (initdb first if needed) and wait until it accepts connections; return the pid.
    Reuses a server already running from this data dir."""
    home = Path(home).resolve()
    pid, st = _postmaster_pid(home)
    if pid:
        try:
            _wait_ready(home, host, port, None, timeout)
            return pid
        except PgError:
            if _postmaster_pid(home)[0]:
                raise
            # it died meanwhile (e.g. killed just before): start a new one below
    if _port_busy(host, port):
        raise PgError(f"port {host}:{port} is taken by something else; pick another (TRACUU_POSTGRES_PORT)")
    _prepare_dirs(home, mode)
    first = not (_pgdata(home) / "PG_VERSION").exists()
    _initdb(home, mode)
    cmd = [str(bindir() / "postgres"), "-D", str(_pgdata(home)),
           "-p", str(port), "-c", f"listen_addresses={host}",
           "-c", f"unix_socket_directories={_sockdir(home, port)}",
           # modest footprint for a dev box / CI; raise for production
           "-c", "shared_buffers=128MB", "-c", "max_connections=200",
           "-c", "log_checkpoints=off"]
    attempts = 0
    while True:
        attempts += 1
        log = (home / "postgres.log").open("ab")
        proc = subprocess.Popen(_wrap(cmd, mode), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=home, start_new_session=True)
        log.close()
        (home / "postgres.pid").write_text(str(proc.pid))
        try:
            _wait_ready(home, host, port, proc, timeout)
            break
        except PgError:
            # After a kill -9 of the postmaster its backends may still hold the shared memory
            # for a moment ("pre-existing shared memory block is still in use"): retry briefly.
            if attempts < 5 and proc.poll() is not None and _shm_in_use(home):
                time.sleep(1)
                continue
            raise
    if first:
        _createdb(home, host, port)
    return proc.pid


def _shm_in_use(home: Path) -> bool:
    try:
        tail = (home / "postgres.log").read_text(errors="replace")[-2000:]
    except OSError:
        return False
    return "shared memory block is still in use" in tail or "lock file" in tail


def _wait_ready(home: Path, host: str, port: int, proc, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            (home / "postgres.pid").unlink(missing_ok=True)
            raise PgError(f"postgres exited with code {proc.returncode} while starting; "
                          f"see {home / 'postgres.log'}")
        pid, st = _postmaster_pid(home)
        if pid and st == "ready" and _accepting(home, host, port):
            return
        if proc is None and pid is None:
            raise PgError("the running postgres went away")
        time.sleep(0.1)
    raise PgError(f"postgres not ready within {timeout:.0f}s; see {home / 'postgres.log'}")


def _createdb(home: Path, host: str, port: int) -> None:
    import psycopg

    with psycopg.connect(host=host, port=port, user=SUPERUSER, password=password(home),
                         dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (DB_NAME,)).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def stop(home: Path, timeout: float = 30.0) -> bool:
    """Fast shutdown (SIGINT: abort transactions, checkpoint, exit). Escalates to immediate
    (SIGQUIT) then SIGKILL of the process group. Returns False if nothing was running."""
    home = Path(home).resolve()
    pid, _ = _postmaster_pid(home)
    if pid is None:
        (home / "postgres.pid").unlink(missing_ok=True)
        return False
    for sig, wait in ((signal.SIGINT, timeout), (signal.SIGQUIT, 10.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _alive(pid):
            _reap(pid)
            time.sleep(0.1)
        if not _alive(pid):
            break
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _reap(pid)
    (home / "postgres.pid").unlink(missing_ok=True)
    return True
