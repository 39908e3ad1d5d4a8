"""The digital signature on a source PDF, read without touching the file.

Under Decree 30/2020/NĐ-CP a digitized copy is a PDF signed by the copying agency. The
indexer never rewrites such a file (OCR writes a separate derivative); it only records
who signed it, when, and whether the signed bytes are still the ones that were signed,
so that the record page can show it.

``valid`` is about integrity: the signed bytes are the ones that were signed. ``trusted``
is about who signed: agencies sign with certificates of CAs under Vietnam's national Root
CA, which we do not ship — the operator installs the roots they trust in a folder
(TRACUU_TRUST_ROOTS, :func:`load_trust_roots`), and the signer's certificate must chain to
one of them, valid at the signing time (pyHanko's certificate validator). Without such a
folder, or when the chain does not validate, the record page says the certificate is not
verified and why (``trust_note``): a green "intact" with a signer's name is no proof of who
that signer is. Nothing is fetched (no OCSP, no CRL, no AIA): offline, and revocation is
not checked. This is the only module that imports pyHanko.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import pathlib
from typing import Any

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.generic import parse_pdf_date
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.validation.generic_cms import validate_sig_integrity
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import InvalidCertificateError, PathBuildingError, PathValidationError

from archive.records import Signature

# A PDF date without a zone (allowed by the spec) is read as Vietnam time (UTC+7, no
# DST): these files are signed by Vietnamese agencies, and reading them as UTC would
# move an evening signature to the next day.
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7))

_CMS_SUBFILTERS = {
    SigSeedSubFilter.ADOBE_PKCS7_DETACHED.value,
    SigSeedSubFilter.PADES.value,
    SigSeedSubFilter.PBAD_PADES.value,
}


#: Why a signer's certificate is not verified, as the record page says it.
NO_ROOTS = "Chưa cài chứng thư gốc tin cậy (TRACUU_TRUST_ROOTS): không xác thực được người ký"
NO_PATH = "Chứng thư của người ký không dẫn tới chứng thư gốc tin cậy nào đã cài"
NOT_VALID = "Chứng thư của người ký không hợp lệ tại thời điểm ký"
NO_CERT = "Không đọc được chứng thư của người ký"


def load_trust_roots(folder: pathlib.Path | None) -> list[asn1_x509.Certificate]:
    """Every certificate in ``folder`` (``.pem``, ``.crt``, ``.cer``, ``.der``; a PEM file
    may hold several). A file that is not a certificate is an error the operator must see."""
    if folder is None:
        return []
    roots = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".pem", ".crt", ".cer", ".der"):
            continue
        data = path.read_bytes()
        try:
            blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
            for der in blobs:
                cert = asn1_x509.Certificate.load(der)
                _ = cert.native  # parsed now: a broken file is found at start, not at a signature
                roots.append(cert)
        except Exception as e:  # noqa: BLE001 - any parse error names the file
            raise ValueError(f"'{path.name}' không phải chứng thư X.509 (not a certificate): {e}") from None
    return roots


def read_signature(path: pathlib.Path, trust_roots: list[asn1_x509.Certificate] | None = None) -> Signature | None:
    """The last signature in the PDF at ``path`` (the copying agency's), or None.

    None means "no signature to show": the file has no filled signature field, or is not
    a PDF, or cannot be read at all (other stages report corrupt files; this one never
    raises for them). A signature that is there but cannot be parsed or checked is
    reported with ``valid=False``: it vouches for nothing.
    """
    try:
        with path.open("rb") as stream:
            reader = PdfFileReader(stream, strict=False)
            if reader.encrypted:
                # Signed originals often carry an owner password that only restricts
                # printing or editing; the empty user password opens them. Signature
                # /Contents strings are never encrypted.
                reader.decrypt("")
            fields = _signature_fields(reader)
            if not fields:
                return None
            return _inspect(reader, *fields[-1], trust_roots=trust_roots or [])
    except Exception:  # noqa: BLE001 - unreadable or not a PDF: nothing to show
        return None


def _signature_fields(reader: PdfFileReader) -> list[tuple[str, Any, Any]]:
    """Filled ``/Sig`` fields (document timestamps left out), in signing order.

    Signing order is the revision in which each signature value was written: every
    signature is an incremental update on top of the previous ones.
    """

    def revision(item: tuple[str, Any, Any]) -> int:
        value = item[2].get_object().raw_get("/V")
        ref = getattr(value, "reference", None)  # a direct /V has no revision of its own
        return reader.xrefs.get_last_change(ref) if ref is not None else -1

    fields = [
        item
        for item in enumerate_sig_fields(reader, filled_status=True)
        if item[1].get_object().get("/Type", "/Sig") == "/Sig"
    ]
    return sorted(fields, key=revision)


def _inspect(reader: PdfFileReader, name: str, value: Any, field: Any,
             trust_roots: list[asn1_x509.Certificate]) -> Signature:
    """Signer, time, integrity and trust of one signature; each read as far as it can be."""
    sig_dict = value.get_object()
    unverified = Signature(signer=_text(sig_dict, "/Name"), signed_at=_pdf_date(sig_dict), trust_note=NO_CERT)
    if sig_dict.get("/SubFilter") not in _CMS_SUBFILTERS:
        # e.g. adbe.x509.rsa_sha1 (raw PKCS#1): a signature, but not one pyHanko checks,
        # so its validity is unknown rather than false.
        return unverified
    try:
        embedded = EmbeddedPdfSignature(reader, field, name)
    except Exception:  # noqa: BLE001 - the CMS blob is garbage: it vouches for nothing
        return unverified.model_copy(update={"valid": False})
    signed_at = _signed_at(embedded) or unverified.signed_at
    trusted, note = _chain(embedded, trust_roots, signed_at)
    return Signature(
        signer=_common_name(embedded) or unverified.signer,
        signed_at=signed_at,
        valid=_intact(embedded),
        trusted=trusted,
        trust_note=note,
    )


def _chain(embedded: EmbeddedPdfSignature, roots: list[asn1_x509.Certificate],
           signed_at: dt.datetime | None) -> tuple[bool | None, str | None]:
    """(whether the signer's certificate chains to an installed root and is valid at the
    signing time, why not). (None, NO_ROOTS) when no root is installed."""
    if not roots:
        return None, NO_ROOTS
    try:
        signer = embedded.signer_cert
        others = list(embedded.other_embedded_certs)
    except Exception:  # noqa: BLE001 - no certificate to check
        return False, NO_CERT
    context = ValidationContext(trust_roots=roots, moment=signed_at, allow_fetching=False, revocation_mode="soft-fail")
    try:
        _run(CertificateValidator(signer, intermediate_certs=others, validation_context=context).async_validate_path())
    except (PathBuildingError, InvalidCertificateError):  # no path, or a self-signed one
        return False, NO_PATH
    except PathValidationError:
        return False, NOT_VALID
    except Exception:  # noqa: BLE001 - a certificate the validator cannot read vouches for nothing
        return False, NO_CERT
    return True, None


def _run(coroutine: Any) -> Any:
    """Run the validator's coroutine to its end, also when called from async code (a
    FastAPI handler), where a loop already runs in this thread: then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _intact(embedded: EmbeddedPdfSignature) -> bool:
    """True if the signed bytes are unchanged and nothing was slipped in after signing.

    Three checks, all offline: the digest of the ``/ByteRange`` bytes equals the one in
    the signed attributes (pyHanko's "intact"), the signature over those attributes
    verifies with the signer's public key ("valid"), and any revision appended after
    signing is one pyHanko's diff policy allows (e.g. a later signature or timestamp),
    not a changed page, so the file shown is the file that was signed. The certificate
    chain is deliberately not validated (see the module docstring); pyHanko's
    ``validate_pdf_signature`` would build it, log a warning for every file, and run
    its own event loop.
    """
    try:
        embedded.compute_integrity_info()
        content_type = embedded.signed_data["encap_content_info"]["content_type"].native
        intact, valid = validate_sig_integrity(
            embedded.signer_info,
            embedded.signer_cert,
            expected_content_type=content_type,
            actual_digest=embedded.compute_digest(),
        )
        unaltered = embedded.summarise_integrity_info()["docmdp_ok"]
    except Exception:  # noqa: BLE001 - a signature that cannot be checked is not valid
        return False
    return bool(intact and valid and unaltered)


def _common_name(embedded: EmbeddedPdfSignature) -> str | None:
    try:
        cn = embedded.signer_cert.subject.native.get("common_name")
    except Exception:  # noqa: BLE001 - no usable certificate: fall back to /Name
        return None
    if isinstance(cn, list):  # several CN attributes: the first names the subject
        cn = cn[0] if cn else None
    return cn or None


def _signed_at(embedded: EmbeddedPdfSignature) -> dt.datetime | None:
    """The signing-time signed attribute, or else /M (pyHanko's self-reported time)."""
    try:
        return _aware(embedded.self_reported_timestamp)
    except Exception:  # noqa: BLE001 - malformed date: unknown
        return None


def _pdf_date(sig_dict: Any) -> dt.datetime | None:
    try:
        return _aware(parse_pdf_date(sig_dict["/M"], strict=False))
    except Exception:  # noqa: BLE001 - absent or malformed: unknown
        return None


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=VIETNAM_TIME)
    return when


def _text(sig_dict: Any, key: str) -> str | None:
    value = sig_dict.get(key)
    return str(value) if value else None
