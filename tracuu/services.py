"""Local OpenSearch, Tika and Keycloak servers for development, CI and the demo.

All three come from Maven Central through ``mvn dependency:get`` (cached in ~/.m2), are unpacked
once into ``TRACUU_CACHE_DIR`` and run as plain Java processes whose data, logs and pid
files live under ``TRACUU_DATA_DIR/services``. ``stop`` stops only what ``start`` started
(pid file); a server already answering on the configured URL is reused, never touched.

OpenSearch refuses to run as root. Under root we start it in a user namespace
(``unshare --user``) where it sees itself as an ordinary user, while its file accesses stay
those of the invoking user — unlike ``runuser``, which would need every parent folder of the
data dir (a CI clone in a private temp dir, say) to be open to another account.

PostgreSQL (the ingest job queue, docs/ingest-service.md) is Debian's ``postgresql-15``,
run by tracuu/postgres.py with its data under ``TRACUU_DATA_DIR/services/postgres``; with
``TRACUU_DATABASE_URL`` set, an external server is used and nothing is started for it. After
it is up, the database's migrations are applied (indexer/queue.py).

Keycloak (its server distribution, ``keycloak-quarkus-dist``) is the local OpenID Connect
provider for single sign-on (web/oidc.py): the ``tracuu`` realm of tracuu/data holds the
officers' and the citizens' clients and a few demo officers. A deployment uses the
province's provider instead and points TRACUU_OIDC_ISSUER at it.

The OpenSearch integ-test distribution ships without the ``analysis-common`` module (no
asciifolding, synonyms or pattern filters); we add that module, also from Maven Central.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx

from archive.bags import alive
from search.config import Settings
from search.errors import TracuuError

M2 = Path.home() / ".m2" / "repository"
OPENSEARCH_GAV = "org.opensearch.distribution.integ-test-zip:opensearch:{v}:zip"
ANALYSIS_COMMON_GAV = "org.opensearch.plugin:analysis-common:{v}"
TIKA_GAV = "org.apache.tika:tika-server-standard:{v}"
#: The local identity provider's realm: its clients, roles, mappers and demo officers.
REALM = "tracuu"
REALM_FILE = Path(__file__).resolve().parent / "data" / f"{REALM}-realm.json"
#: The local provider's first administrator (its admin console and REST API), local only.
KEYCLOAK_ADMIN = ("admin", "admin-local-only")


class ServiceError(TracuuError):
    exit_code = 6


@dataclass
class Service:
    name: str
    url: str
    health_path: str
    ready_timeout: float
    home: Path  # services_dir/<name>: pid, log, data

    @property
    def pidfile(self) -> Path:
        return self.home / f"{self.name}.pid"

    @property
    def logfile(self) -> Path:
        return self.home / f"{self.name}.log"

    def healthy(self) -> bool:
        try:
            r = httpx.get(self.url.rstrip("/") + self.health_path, timeout=3)
        except httpx.HTTPError:
            return False
        if r.status_code != 200:
            return False
        if self.name == "opensearch":
            return r.json().get("status") in ("green", "yellow")
        return True

    def our_pid(self) -> int | None:
        """The pid we started, if that process is still alive."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if alive(pid) else None


def services(settings: Settings) -> list[Service]:
    root = settings.services_dir.resolve()
    return [
        Service("opensearch", settings.opensearch_hosts[0], "/_cluster/health", 180, root / "opensearch"),
        Service("tika", settings.tika_url, "/version", 120, root / "tika"),
        # Ready once its realm is imported: the realm's discovery document answers.
        Service("keycloak", settings.keycloak_url, f"/realms/{REALM}/.well-known/openid-configuration", 240,
                root / "keycloak"),
    ]


# -- fetching -------------------------------------------------------------------------


def _mvn_get(gav: str) -> None:
    if not shutil.which("mvn"):
        raise ServiceError("Không tìm thấy 'mvn' (Maven); hãy chạy scripts/setup.sh trước.")
    cmd = ["mvn", "-B", "-q", "dependency:get", f"-Dartifact={gav}", "-Dtransitive=false"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-15:])
        raise ServiceError(f"Maven could not fetch {gav}:\n{tail}")


def _artifact(group: str, artifact: str, version: str, ext: str) -> Path:
    path = M2 / group.replace(".", "/") / artifact / version / f"{artifact}-{version}.{ext}"
    if not path.exists():
        _mvn_get(f"{group}:{artifact}:{version}" + (":zip" if ext == "zip" else ""))
    return path


def _unzip(zip_path: Path, into: Path) -> None:
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(into)
        for info in z.infolist():  # zipfile drops the executable bits
            mode = info.external_attr >> 16
            if mode:
                os.chmod(into / info.filename, mode & 0o777)


def opensearch_home(settings: Settings) -> Path:
    """Unpacked OpenSearch with the analysis-common module; fetched and built once."""
    v = settings.opensearch_version
    home = settings.cache_dir / f"opensearch-{v}"
    if (home / ".complete").exists():
        return home
    zip_path = _artifact("org.opensearch.distribution.integ-test-zip", "opensearch", v, "zip")
    module_jar = _artifact("org.opensearch.plugin", "analysis-common", v, "jar")
    staging = settings.cache_dir / f".opensearch-{v}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    _unzip(zip_path, staging)
    unpacked = staging / f"opensearch-{v}"
    module = unpacked / "modules" / "analysis-common"
    module.mkdir()
    shutil.copy2(module_jar, module)
    (module / "plugin-descriptor.properties").write_text(
        "description=Adds \"built in\" analyzers to OpenSearch.\n"
        f"version={v}\nname=analysis-common\n"
        "classname=org.opensearch.analysis.common.CommonAnalysisPlugin\n"
        f"java.version=11\nopensearch.version={v}\nextended.plugins=\nhas.native.controller=false\n"
    )
    (unpacked / ".complete").touch()
    shutil.rmtree(home, ignore_errors=True)
    unpacked.rename(home)
    shutil.rmtree(staging, ignore_errors=True)
    return home


def tika_jar(settings: Settings) -> Path:
    return _artifact("org.apache.tika", "tika-server-standard", settings.tika_version, "jar")


def keycloak_zip(settings: Settings) -> Path:
    return _artifact("org.keycloak", "keycloak-quarkus-dist", settings.keycloak_version, "zip")


def fetch(settings: Settings) -> None:
    """Download and unpack everything, without starting anything (for set-up scripts)."""
    opensearch_home(settings)
    tika_jar(settings)
    keycloak_zip(settings)


# -- starting and stopping ------------------------------------------------------------


def _java_home() -> str:
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    if not java:
        raise ServiceError("Không tìm thấy Java (cần Java 17); hãy chạy scripts/setup.sh trước.")
    return str(Path(java).resolve().parent.parent)


def _opensearch_command(settings: Settings, svc: Service) -> tuple[list[str], dict[str, str]]:
    home = opensearch_home(settings)
    conf = svc.home / "config"
    if not conf.exists():
        shutil.copytree(home / "config", conf)
    url = urlparse(svc.url)
    (conf / "opensearch.yml").write_text(
        "cluster.name: tracuu\n"
        "node.name: tracuu-local\n"
        "discovery.type: single-node\n"
        f"network.host: {url.hostname or '127.0.0.1'}\n"
        f"http.port: {url.port or 9200}\n"
        f"path.data: {svc.home / 'data'}\n"
        f"path.logs: {svc.home / 'logs'}\n"
        "action.auto_create_index: false\n"
    )
    heap = settings.opensearch_heap
    (conf / "jvm.options.d").mkdir(exist_ok=True)
    (conf / "jvm.options.d" / "heap.options").write_text(f"-Xms{heap}\n-Xmx{heap}\n")
    env = {**os.environ, "OPENSEARCH_PATH_CONF": str(conf), "OPENSEARCH_JAVA_HOME": _java_home()}
    cmd = [str(home / "bin" / "opensearch")]
    if os.geteuid() == 0:
        cmd = ["unshare", "--user", "--map-user=1000", "--map-group=1000", *cmd]
    return cmd, env


def _tika_command(settings: Settings, svc: Service) -> tuple[list[str], dict[str, str]]:
    jar = tika_jar(settings)
    config = svc.home / "tika-config.xml"
    config.write_text(
        "<properties><server><params>"
        "<taskTimeoutMillis>120000</taskTimeoutMillis>"
        f"<forkedJvmArgs><arg>-Xmx{settings.tika_heap}</arg></forkedJvmArgs>"
        "</params></server></properties>\n"
    )
    url = urlparse(svc.url)
    java = str(Path(_java_home()) / "bin" / "java")
    cmd = [java, "-Xmx256m", "-jar", str(jar), "--host", url.hostname or "127.0.0.1",
           "--port", str(url.port or 9998), "--config", str(config)]
    return cmd, dict(os.environ)


def _keycloak_command(settings: Settings, svc: Service) -> tuple[list[str], dict[str, str]]:
    """Keycloak's server distribution in development mode (its own file database) with the
    ``tracuu`` realm imported at start. Unpacked into the service folder, not the shared
    cache: a Keycloak start rebuilds into its own installation, and its database lives there."""
    v = settings.keycloak_version
    home = svc.home / f"keycloak-{v}"
    if not (home / ".complete").exists():
        staging = svc.home / f".keycloak-{v}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        _unzip(keycloak_zip(settings), staging)
        shutil.rmtree(home, ignore_errors=True)
        (staging / f"keycloak-{v}").rename(home)
        shutil.rmtree(staging, ignore_errors=True)
        (home / ".complete").touch()
    (home / "data" / "import").mkdir(parents=True, exist_ok=True)
    shutil.copy2(REALM_FILE, home / "data" / "import" / REALM_FILE.name)
    url = urlparse(svc.url)
    env = {**os.environ, "JAVA_HOME": _java_home(), "KC_BOOTSTRAP_ADMIN_USERNAME": KEYCLOAK_ADMIN[0],
           "KC_BOOTSTRAP_ADMIN_PASSWORD": KEYCLOAK_ADMIN[1], "JAVA_OPTS_KC_HEAP": "-Xms64m -Xmx512m"}
    cmd = [str(home / "bin" / "kc.sh"), "start-dev", "--import-realm", f"--http-port={url.port or 8180}",
           f"--http-host={url.hostname or '127.0.0.1'}"]
    return cmd, env


_COMMANDS = {"opensearch": _opensearch_command, "tika": _tika_command, "keycloak": _keycloak_command}


def _postgres_home(settings: Settings) -> Path:
    return settings.services_dir.resolve() / "postgres"


def _start_postgres(settings: Settings, say) -> bool:
    """Start the local PostgreSQL unless TRACUU_DATABASE_URL names another; migrate. True if started here."""
    from indexer import queue
    from tracuu import postgres

    started = False
    if settings.database_url is None:
        home = _postgres_home(settings)
        was = postgres.status(home, settings.postgres_port)["pid"]
        try:
            pid = postgres.start(home, settings.postgres_port)
        except OSError as e:
            raise ServiceError(f"postgres: could not start: {e}") from e
        started = was is None
        say(f"postgres: {'started (pid %d), log %s' % (pid, home / 'postgres.log') if started else 'already running'}")
        say(f"postgres: ready at 127.0.0.1:{settings.postgres_port}")
    queue.migrate(settings)
    return started


def start(settings: Settings, say=print) -> list[str]:
    """Start what is not running; return the names of the services this call started."""
    started = ["postgres"] if _start_postgres(settings, say) else []
    launched: list[tuple[Service, subprocess.Popen]] = []
    for svc in services(settings):
        if svc.healthy():
            whose = "started by tracuu" if svc.our_pid() else "not started by tracuu; reusing it"
            say(f"{svc.name}: already running at {svc.url} ({whose})")
            continue
        if svc.our_pid():
            say(f"{svc.name}: starting (pid {svc.our_pid()}), waiting for it")
            continue
        svc.home.mkdir(parents=True, exist_ok=True)
        cmd, env = _COMMANDS[svc.name](settings, svc)
        log = svc.logfile.open("ab")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=svc.home, start_new_session=True)
        svc.pidfile.write_text(str(proc.pid))
        launched.append((svc, proc))
        started.append(svc.name)
        say(f"{svc.name}: started (pid {proc.pid}), log {svc.logfile}")
    for svc in services(settings):
        _wait_ready(svc, dict((s.name, p) for s, p in launched).get(svc.name))
        say(f"{svc.name}: ready at {svc.url}")
    return started


def _wait_ready(svc: Service, proc: subprocess.Popen | None) -> None:
    deadline = time.monotonic() + svc.ready_timeout
    while time.monotonic() < deadline:
        if svc.healthy():
            return
        if proc is not None and proc.poll() is not None:
            svc.pidfile.unlink(missing_ok=True)
            raise ServiceError(
                f"{svc.name} exited with code {proc.returncode} while starting; see {svc.logfile}"
                + (f" and {svc.home / 'logs'}" if svc.name == "opensearch" else "")
            )
        time.sleep(1)
    raise ServiceError(
        f"{svc.name} did not become ready at {svc.url} within {svc.ready_timeout:.0f} s; see {svc.logfile}"
    )


def stop(settings: Settings, say=print, only: list[str] | None = None) -> None:
    if settings.database_url is None and (only is None or "postgres" in only):
        from tracuu import postgres

        stopped = postgres.stop(_postgres_home(settings))
        say("postgres: stopped" if stopped else "postgres: not running under tracuu (nothing to stop)")
    for svc in services(settings):
        if only is not None and svc.name not in only:
            continue
        pid = svc.our_pid()
        if pid is None:
            svc.pidfile.unlink(missing_ok=True)
            say(f"{svc.name}: not running under tracuu (nothing to stop)")
            continue
        _terminate(pid)
        svc.pidfile.unlink(missing_ok=True)
        say(f"{svc.name}: stopped (pid {pid})")


def _terminate(pid: int, grace: float = 30.0) -> None:
    """SIGTERM the process group (Tika forks a child), SIGKILL what outlives the grace."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        _reap(pid)
        time.sleep(0.5)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def status(settings: Settings) -> list[tuple[str, str, bool, int | None]]:
    """(name, url, healthy, our pid) for each service."""
    rows = [(s.name, s.url, s.healthy(), s.our_pid()) for s in services(settings)]
    if settings.database_url is None:
        from tracuu import postgres

        st = postgres.status(_postgres_home(settings), settings.postgres_port)
        rows.append(("postgres", f"127.0.0.1:{settings.postgres_port}", st["ready"], st["pid"]))
    else:
        rows.append(("postgres", "TRACUU_DATABASE_URL", _reachable(settings), None))
    return rows


def _reachable(settings: Settings) -> bool:
    import psycopg

    try:
        with psycopg.connect(settings.database_dsn(), connect_timeout=3):
            return True
    except psycopg.Error:
        return False
