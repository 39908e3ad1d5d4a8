"""Certificates for signature tests, made in the test (no committed keys): a root CA
standing in for the national Root CA, and signers it certifies."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import io

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from reportlab.pdfgen import canvas


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def ca(cn: str):
    """A root CA (the national Root CA stands in here): its key and certificate."""
    key, now = _key(), dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn)).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=10))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def issued_signer(authority, cn: str, days: float = 30) -> signers.SimpleSigner:
    """A signer whose certificate the CA issued (valid from yesterday for ``days``)."""
    ca_key, ca_cert = authority
    key, now = _key(), dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
            .sign(ca_key, hashes.SHA256()))
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=None)


def run_alone(coroutine):
    """``asyncio.run`` in a thread of its own: pyHanko's synchronous calls start an event
    loop, which fails where one already runs in this thread (the browser tests' playwright
    keeps one for the whole test session)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def sign_writer(writer: IncrementalPdfFileWriter, signer: signers.SimpleSigner, field: str = "Sig1",
                name: str | None = None) -> bytes:
    """The PDF in ``writer`` signed (PAdES) by ``signer``."""
    meta = signers.PdfSignatureMetadata(field_name=field, name=name, subfilter=fields.SigSeedSubFilter.PADES)

    async def signing() -> bytes:
        return (await signers.async_sign_pdf(writer, meta, signer=signer)).getvalue()

    return run_alone(signing())


def sign(pdf: bytes, signer: signers.SimpleSigner, field: str = "Sig1", name: str | None = None) -> bytes:
    """``pdf`` signed (PAdES) by ``signer``."""
    return sign_writer(IncrementalPdfFileWriter(io.BytesIO(pdf)), signer, field, name)


def signed_pdf(text: str, signer: signers.SimpleSigner) -> bytes:
    """A one-page text PDF signed (PAdES) by ``signer``."""
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return sign(buf.getvalue(), signer)
