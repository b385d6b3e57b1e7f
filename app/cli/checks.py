"""Hidden self-checks of an installed or frozen app, used by the packaging smoke run
(packaging/README.md); left out of the help, since a mediator never needs them.

- `mediation-desk preview FILE --out PAGE.png`: a PDF page or a picture drawn by the
  preview worker process, as the workstation draws it (worker start, PDFium, Pillow).
- `mediation-desk self-test`: an encrypted store made, reopened and refused with a wrong
  key in a temporary folder (SQLCipher, migrations), and the keyring backends present.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Bitmap formats of app.services.previews -> (Pillow mode, Pillow raw mode)
_PIL_MODES = {"BGRx": ("RGB", "BGRX"), "BGRA": ("RGBA", "BGRA"),
              "RGB888": ("RGB", "RGB"), "RGBA8888": ("RGBA", "RGBA")}


def add_parsers(sub) -> None:
    # No help=: argparse then leaves them out of the command list.
    self_test = sub.add_parser("self-test", description="check encryption and the keyring "
                               "backends")
    self_test.set_defaults(run=lambda args, data_dir: run_self_test())
    preview = sub.add_parser("preview", description="draw a PDF page or a picture through "
                             "the preview worker and save it as PNG")
    preview.set_defaults(run=lambda args, data_dir: run_preview(args))
    preview.add_argument("file", type=Path, metavar="FILE")
    preview.add_argument("--out", required=True, type=Path, metavar="PAGE.png")
    preview.add_argument("--page", type=int, default=1, metavar="N", help="PDF page, from 1")
    preview.add_argument("--size", type=int, default=1200, metavar="PIXELS",
                         help="longest side")


def _fail(message: str) -> int:
    print(f"mediation-desk preview: {message}", file=sys.stderr)
    return 2


def run_preview(args) -> int:
    from PIL import Image

    from app.services.previews import PreviewFailed, PreviewPool

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    pool = PreviewPool(max_workers=1, keep=0)
    try:
        if data.startswith(b"%PDF"):
            bitmap = pool.pdf_page(data, args.page - 1, max_side=args.size)
        else:
            bitmap = pool.image(data, args.size)
    except PreviewFailed as exc:
        return _fail(str(exc))
    finally:
        pool.close()
    mode, raw = _PIL_MODES[bitmap.format]
    picture = Image.frombuffer(mode, (bitmap.width, bitmap.height), bitmap.pixels, "raw",
                               raw, bitmap.stride, 1)
    try:
        picture.save(args.out, "PNG")
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror or exc}")
    pages = f", {bitmap.pages} pages" if bitmap.pages else ""
    print(f"wrote {args.out} ({bitmap.width}×{bitmap.height}{pages})")
    return 0


def run_self_test() -> int:
    import tempfile

    from app.store import keyfile
    from app.store.cipher import is_plain_sqlite
    from app.store.database import STORE_FILENAME, open_store
    from app.store.errors import StoreError, StoreErrorCode

    problems: list[str] = []
    key, code = keyfile.new_data_key(), keyfile.new_recovery_code()
    with tempfile.TemporaryDirectory(prefix="mediation-desk-self-test-") as folder:
        data_dir = Path(folder)
        # As a new store is made (services.store_keys), minus the keyring: nothing of
        # this test is left in the user's keyring.
        keyfile.write_keyfile(data_dir, keyfile.make_keyfile(key, code))
        open_store(data_dir, key=key, create_encrypted=True).close()
        if is_plain_sqlite(data_dir / STORE_FILENAME):
            problems.append("the new store is not encrypted")
        kf = keyfile.read_keyfile(data_dir)
        unwrapped = keyfile.unwrap(kf.recovery, keyfile.normalise_recovery_code(code))
        if unwrapped != key:
            problems.append("the recovery code does not unwrap the key")
        store = open_store(data_dir, key=unwrapped or key)
        with store.engine.connect() as con:
            tables = con.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        store.close()
        try:
            open_store(data_dir, key=keyfile.new_data_key()).close()
            problems.append("a wrong key opened the store")
        except StoreError as exc:
            if exc.code is not StoreErrorCode.WRONG_KEY:
                problems.append(f"a wrong key gave {exc.code.name}, not WRONG_KEY")
    print("encrypted store (SQLCipher): made, unwrapped by its recovery code, reopened "
          f"({tables} schema entries), a wrong key refused" if not problems
          else "encrypted store: " + "; ".join(problems))

    import keyring

    from app.services.credentials import keyring_available

    native = {"win32": "keyring.backends.Windows", "darwin": "keyring.backends.macOS"}.get(
        sys.platform, "keyring.backends.SecretService")
    try:
        __import__(native)
    except ImportError as exc:
        problems.append(f"{native} is missing ({exc})")
    backend = type(keyring.get_keyring())
    print(f"keyring: {native} present; in use: {backend.__module__}.{backend.__name__} "
          f"({'usable' if keyring_available() else 'no usable keyring on this computer'})")
    if problems:
        print("self-test FAILED: " + "; ".join(problems), file=sys.stderr)
        return 1
    print("self-test passed")
    return 0
