"""The verification QR code: app/documents/qr.py makes the code reportlab's encoder
makes, module for module (a scanner reads the same code as before it was made faster)."""

from __future__ import annotations

import pytest
from reportlab.graphics.barcode import qrencoder

from app.documents import qr
from app.documents.typography import verification_payload
from tests.documents import samples


def reportlab_rows(value: str) -> tuple[int, ...]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(qrencoder.QR8bitByte(value))
    code.make()
    size = code.getModuleCount()
    return tuple(sum(1 << c for c in range(size) if code.isDark(r, c)) for r in range(size))


PAYLOADS = [
    verification_payload(samples.NUMBER, samples.SHA),
    *(verification_payload(f"{samples.GROUP_PREFIX}{i:04d}", f"{i * 7919:064x}")
      for i in range(1, 41)),
    "x",  # version 1
    "案" * 120,  # version 15: version bits, more alignment patterns
    "a" * 600,
]


@pytest.mark.parametrize("value", PAYLOADS, ids=range(len(PAYLOADS)))
def test_the_same_modules_as_reportlabs_encoder(value):
    assert qr.modules(value) == reportlab_rows(value)
