"""Reaching OpenSearch as a province's remote cluster is reached: over https with a CA of its
own, with a user and a password, and through several nodes of which one is down.

The security plugin that would give OpenSearch itself TLS and users is not served by the
registry here (docs/reliability.md says what was tried), so TLS and basic authentication
are nginx's (Debian's nginx-light), in front of the real OpenSearch — the way many
deployments secure a cluster too. The certificates are made in the test."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from opensearchpy import exceptions as os_exc
from pydantic import SecretStr

from helpers import free_port
from search.errors import SearchUnavailable
from search.index import RecordIndex
from signing import _key, _name, ca

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # /usr/sbin is not on every user's PATH
pytestmark = [pytest.mark.opensearch,
              pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx not installed (scripts/setup.sh installs it)")]
USER, PASSWORD = "tracuu", "mat-khau-cum-tu-xa"


def _server_cert(authority, host: str = "127.0.0.1"):
    import ipaddress

    ca_key, ca_cert = authority
    key, now = _key(), dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(host)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


@pytest.fixture(scope="module")
def secured(settings, record_index, tmp_path_factory):
    """nginx on a free port: TLS with a certificate our own CA issued, basic auth, passing
    to the test's OpenSearch. Yields (https URL, path of the CA bundle)."""
    root = tmp_path_factory.mktemp("nginx")
    authority = ca("Tra cuu test CA")
    key, cert = _server_cert(authority)
    (root / "ca.pem").write_bytes(authority[1].public_bytes(serialization.Encoding.PEM))
    (root / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (root / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    upstream = settings.opensearch_hosts[0]
    (root / "nginx.conf").write_text(f"""
user root;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{}}
http {{
  access_log off;
  client_body_temp_path {root}/body; proxy_temp_path {root}/proxy; fastcgi_temp_path {root}/fastcgi;
  uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {root}/server.pem;
    ssl_certificate_key {root}/server.key;
    auth_basic "OpenSearch";
    auth_basic_user_file {root}/users;
    location / {{ proxy_pass {upstream}; }}
  }}
}}
""")
    proc = subprocess.Popen([NGINX, "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not (root / "nginx.pid").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert proc.poll() is None, (root / "error.log").read_text() if (root / "error.log").exists() else "nginx exited"
    yield f"https://127.0.0.1:{port}", root / "ca.pem"
    proc.terminate()
    proc.wait(10)


def test_a_cluster_behind_tls_and_a_password_is_searched_with_the_ca_and_the_user_configured(settings, secured):
    url, ca_pem = secured
    remote = settings.model_copy(update={"opensearch_url": url, "opensearch_username": USER,
                                         "opensearch_password": SecretStr(PASSWORD), "opensearch_ca_certs": ca_pem})
    index = RecordIndex.from_settings(remote)
    assert index.ping()
    assert index.search({"query": {"match_all": {}}, "size": 0})["hits"]["total"]["value"] >= 0

    wrong = RecordIndex.from_settings(remote.model_copy(update={"opensearch_password": SecretStr("sai")}))
    assert not wrong.ping()
    with pytest.raises(os_exc.AuthenticationException):
        wrong.search({"query": {"match_all": {}}})

    # A certificate our CA did not sign is not trusted (the system's CAs do not know ours).
    untrusted = RecordIndex.from_settings(remote.model_copy(update={"opensearch_ca_certs": None}))
    with pytest.raises(SearchUnavailable):
        untrusted.search({"query": {"match_all": {}}})


def test_a_node_that_does_not_answer_is_passed_over(settings, record_index):
    """Two nodes named, the first not listening: every search is answered by the other."""
    dead = f"http://127.0.0.1:{free_port()}"
    both = settings.model_copy(update={"opensearch_url": f"{dead},{settings.opensearch_hosts[0]}"})
    index = RecordIndex.from_settings(both)
    for _ in range(6):  # the transport round-robins: the dead node comes up in turn
        assert "hits" in index.search({"query": {"match_all": {}}, "size": 0})
