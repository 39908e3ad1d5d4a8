"""read_signature on PDFs signed here, with a throwaway self-signed certificate.

Everything is made inside the tests (no committed binaries): a key and certificate with
``cryptography``, a one-page PDF with reportlab, a PAdES signature with pyHanko.
"""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from indexer.signature import read_signature
from signing import run_alone, sign, sign_writer

AGENCY = "UBND huyện Lục Ngạn"  # non-ASCII on purpose: Vietnamese CNs are the norm
BODY = b"QUYET DINH so 123/QD-UBND"


def _signer(common_name: str) -> signers.SimpleSigner:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=None,
    )


@pytest.fixture(scope="module")
def agency() -> signers.SimpleSigner:
    return _signer(AGENCY)


def _pdf() -> bytes:
    buf = io.BytesIO()
    page = canvas.Canvas(buf, pageCompression=0)  # uncompressed, so BODY is in the bytes
    page.drawString(72, 720, BODY.decode())
    page.showPage()
    page.save()
    return buf.getvalue()


def _sign(
    pdf: bytes, signer: signers.SimpleSigner, field: str = "Sig1", name: str | None = None
) -> bytes:
    return sign(pdf, signer, field, name)


def _write(tmp_path, data: bytes, name: str = "doc.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _byte_range(data: bytes) -> list[int]:
    start = data.rindex(b"/ByteRange")
    inner = data[data.index(b"[", start) + 1 : data.index(b"]", start)]
    return [int(n) for n in inner.split()]


def test_signed_pdf_gives_signer_time_and_valid(tmp_path, agency):
    signature = read_signature(_write(tmp_path, _sign(_pdf(), agency)))

    assert signature is not None
    assert signature.signer == AGENCY
    assert signature.signed_at is not None and signature.signed_at.tzinfo is not None
    assert abs(dt.datetime.now(dt.timezone.utc) - signature.signed_at) < dt.timedelta(minutes=1)
    assert signature.valid is True


def test_unsigned_pdf_gives_none(tmp_path):
    assert read_signature(_write(tmp_path, _pdf())) is None


def test_content_changed_after_signing_is_invalid(tmp_path, agency):
    signed = _sign(_pdf(), agency)
    at = signed.index(BODY) + BODY.index(b"123")
    first, length = _byte_range(signed)[:2]
    assert first <= at < first + length  # the edit is in signed bytes, not the signature
    tampered = signed[:at] + b"9" + signed[at + 1 :]

    signature = read_signature(_write(tmp_path, tampered))

    assert signature is not None
    assert signature.signer == AGENCY  # still readable: only the digest no longer matches
    assert signature.valid is False


def test_page_replaced_in_a_later_revision_is_invalid(tmp_path, agency):
    """The signed bytes are untouched, but an appended update changes what is shown."""
    writer = IncrementalPdfFileWriter(io.BytesIO(_sign(_pdf(), agency)))
    page = writer.root["/Pages"]["/Kids"][0]
    forged = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (FORGED) Tj ET")
    page["/Contents"] = writer.add_object(forged)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)

    signature = read_signature(_write(tmp_path, out.getvalue()))

    assert signature is not None and signature.valid is False


def test_unparseable_signature_is_reported_invalid_not_raised(tmp_path, agency):
    signed = bytearray(_sign(_pdf(), agency, name=AGENCY))
    _, len1, start2, _ = _byte_range(bytes(signed))
    contents = slice(len1 + 1, start2 - 1)  # the hex between < and >
    signed[contents] = b"0" * (contents.stop - contents.start)
    zone = signed.index(b"Z)", signed.index(b"/M ("))  # pyHanko writes /M (D\07220...Z)
    signed[zone : zone + 2] = b") "  # /M without a zone, same length

    signature = read_signature(_write(tmp_path, bytes(signed)))

    assert signature is not None
    assert signature.valid is False
    assert signature.signer == AGENCY  # from the /Name entry: no certificate to read
    assert signature.signed_at is not None  # from /M, read as Vietnam time
    assert signature.signed_at.utcoffset() == dt.timedelta(hours=7)


def test_signature_of_a_kind_pyhanko_cannot_check_has_unknown_validity(tmp_path, agency):
    """adbe.x509.rsa_sha1 (old signing tools) is a signature, just not one we can verify."""
    signed = _sign(_pdf(), agency, name=AGENCY)
    relabelled = signed.replace(b"/ETSI.CAdES.detached", b"/adbe.x509.rsa_sha1 ")

    signature = read_signature(_write(tmp_path, relabelled))

    assert signature is not None
    assert (signature.signer, signature.valid) == (AGENCY, None)


def test_last_signature_is_reported(tmp_path, agency):
    twice = _sign(_sign(_pdf(), _signer("Nguyen Van A")), agency, field="Sig2")

    signature = read_signature(_write(tmp_path, twice))

    assert signature is not None
    assert signature.signer == AGENCY
    assert signature.valid is True


def test_signed_pdf_with_only_an_owner_password_is_read(tmp_path, agency):
    """Official PDFs are often "protected" against editing; the empty user password opens them."""
    buf = io.BytesIO()
    protection = StandardEncryption("", ownerPassword="chu-so-huu", canModify=0, strength=128)
    page = canvas.Canvas(buf, encrypt=protection)
    page.drawString(72, 720, BODY.decode())
    page.showPage()
    page.save()
    writer = IncrementalPdfFileWriter(io.BytesIO(buf.getvalue()))
    writer.encrypt("chu-so-huu")
    signed = sign_writer(writer, agency)

    signature = read_signature(_write(tmp_path, signed))

    assert signature is not None
    assert (signature.signer, signature.valid) == (AGENCY, True)


def test_truncated_signed_pdf_gives_none(tmp_path, agency):
    signed = _sign(_pdf(), agency)
    assert read_signature(_write(tmp_path, signed[: len(signed) // 2])) is None


def test_jpeg_gives_none(tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(buf, "JPEG")
    assert read_signature(_write(tmp_path, buf.getvalue(), "scan.pdf")) is None


def test_missing_or_empty_file_gives_none(tmp_path):
    assert read_signature(tmp_path / "absent.pdf") is None
    assert read_signature(_write(tmp_path, b"")) is None


def test_no_network_and_no_event_loop_needed(tmp_path, agency, monkeypatch):
    """Offline by construction, and callable from async code (e.g. a FastAPI handler)."""
    path = _write(tmp_path, _sign(_pdf(), agency))

    def refuse(*args, **kwargs):
        raise AssertionError("read_signature tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

    async def inside_a_loop():
        return read_signature(path)

    signature = run_alone(inside_a_loop())
    assert signature is not None and signature.valid is True


# -- who signed: the certificate chain, against the roots the operator installs ------------


from signing import ca as _ca, issued_signer as _issued_signer  # noqa: E402


def _roots(tmp_path, *cas) -> list:
    from indexer.signature import load_trust_roots

    folder = tmp_path / "roots"
    folder.mkdir(exist_ok=True)
    for n, (_, cert) in enumerate(cas):
        (folder / f"root{n}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return load_trust_roots(folder)


def test_a_signer_certified_by_an_installed_root_is_trusted(tmp_path):
    root = _ca("Root CA thử")
    signature = read_signature(_write(tmp_path, _sign(_pdf(), _issued_signer(root, AGENCY))), _roots(tmp_path, root))
    assert (signature.valid, signature.trusted, signature.trust_note) == (True, True, None)


def test_without_installed_roots_the_signer_is_not_verified_and_the_page_says_why(tmp_path, agency):
    from indexer.signature import NO_ROOTS

    signature = read_signature(_write(tmp_path, _sign(_pdf(), agency)))
    assert signature.valid is True and signature.trusted is None and signature.trust_note == NO_ROOTS


def test_a_self_signed_or_foreign_signer_is_not_trusted(tmp_path, agency):
    from indexer.signature import NO_PATH

    root, other = _ca("Root CA thử"), _ca("CA khác")
    roots = _roots(tmp_path, root)
    self_signed = read_signature(_write(tmp_path, _sign(_pdf(), agency), "a.pdf"), roots)
    foreign = read_signature(_write(tmp_path, _sign(_pdf(), _issued_signer(other, AGENCY)), "b.pdf"), roots)
    for signature in (self_signed, foreign):
        assert signature.valid is True  # intact bytes, but nobody vouches for the signer
        assert signature.trusted is False and signature.trust_note == NO_PATH


def test_the_chain_is_checked_inside_a_running_event_loop_and_offline(tmp_path, monkeypatch):
    root = _ca("Root CA thử")
    path = _write(tmp_path, _sign(_pdf(), _issued_signer(root, AGENCY)))
    roots = _roots(tmp_path, root)

    def refuse(*args, **kwargs):
        raise AssertionError("the chain check tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)

    async def inside_a_loop():
        return read_signature(path, roots)

    assert run_alone(inside_a_loop()).trusted is True


def test_a_file_in_the_roots_folder_that_is_no_certificate_is_named(tmp_path):
    from indexer.signature import load_trust_roots

    folder = tmp_path / "roots"
    folder.mkdir()
    (folder / "ghi-chu.pem").write_text("-----BEGIN CERTIFICATE-----\nxyz\n-----END CERTIFICATE-----\n")
    with pytest.raises(ValueError, match="ghi-chu.pem"):
        load_trust_roots(folder)


def test_a_certificate_expired_when_it_signed_is_not_trusted(tmp_path):
    from indexer.signature import NOT_VALID

    root = _ca("Root CA thử")
    expired = _issued_signer(root, AGENCY, days=-0.1)  # expired two hours before it signs
    signature = read_signature(_write(tmp_path, _sign(_pdf(), expired)), _roots(tmp_path, root))
    assert signature.trusted is False and signature.trust_note == NOT_VALID
