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

from app.cli.common import cannot_read_text, cannot_write_text, fail, words

# Bitmap formats of app.services.previews -> (Pillow mode, Pillow raw mode)
_PIL_MODES = {"BGRx": ("RGB", "BGRX"), "BGRA": ("RGBA", "BGRA"),
              "RGB888": ("RGB", "RGB"), "RGBA8888": ("RGBA", "RGBA")}


def add_parsers(sub) -> None:
    # No help=: argparse then leaves them out of the command list.
    self_test = sub.add_parser("self-test", description=words(
        "检查数据文件的加密和本机的密钥库", "check encryption and the keyring backends"))
    self_test.set_defaults(run=lambda args, data_dir: run_self_test())
    preview = sub.add_parser("preview", description=words(
        "由预览进程画出 PDF 的一页或一张图片，保存到 PAGE.png",
        "draw a PDF page or a picture through the preview worker and save it as PNG"))
    preview.set_defaults(run=lambda args, data_dir: run_preview(args))
    preview.add_argument("file", type=Path, metavar="FILE")
    preview.add_argument("--out", required=True, type=Path, metavar="PAGE.png")
    preview.add_argument("--page", type=int, default=1, metavar="N",
                         help=words("PDF 的页码，从 1 开始", "PDF page, from 1"))
    preview.add_argument("--size", type=int, default=1200, metavar="PIXELS",
                         help=words("长边的像素数", "longest side"))


_PREVIEW_PROBLEMS = {  # PreviewProblem's value -> Chinese (English: the error's own words)
    "time": "预览超时，已停止",
    "memory": "预览所需的内存超过上限",
    "too_large": "图片或 PDF 太大，无法预览",
    "unreadable": "不是可以预览的图片或 PDF",
    "failed": "预览进程无法启动或出错",
}


def _fail(message: str) -> int:
    return fail(message, "preview")


def _preview_failed_text(exc) -> str:
    chinese = _PREVIEW_PROBLEMS.get(exc.problem.value, exc.problem.value)
    return words(chinese, str(exc))


def run_preview(args) -> int:
    from PIL import Image

    from app.services.previews import PreviewFailed, PreviewPool

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        return _fail(cannot_read_text(args.file, exc))
    pool = PreviewPool(max_workers=1, keep=0)
    try:
        if data.startswith(b"%PDF"):
            bitmap = pool.pdf_page(data, args.page - 1, max_side=args.size)
        else:
            bitmap = pool.image(data, args.size)
    except PreviewFailed as exc:
        return _fail(_preview_failed_text(exc))
    finally:
        pool.close()
    mode, raw = _PIL_MODES[bitmap.format]
    picture = Image.frombuffer(mode, (bitmap.width, bitmap.height), bitmap.pixels, "raw",
                               raw, bitmap.stride, 1)
    try:
        picture.save(args.out, "PNG")
    except OSError as exc:
        return _fail(cannot_write_text(args.out, exc))
    pages = (words("，共 {n} 页", ", {n} pages").format(n=bitmap.pages) if bitmap.pages
             else "")
    print(words("已生成 {out}（{width}×{height}{pages}）", "wrote {out} ({width}×{height}{pages})")
          .format(out=args.out, width=bitmap.width, height=bitmap.height, pages=pages))
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
            problems.append(words("新建的数据文件没有加密", "the new store is not encrypted"))
        kf = keyfile.read_keyfile(data_dir)
        unwrapped = keyfile.unwrap(kf.recovery, keyfile.normalise_recovery_code(code))
        if unwrapped != key:
            problems.append(words("恢复码解不开密钥", "the recovery code does not unwrap the key"))
        store = open_store(data_dir, key=unwrapped or key)
        with store.engine.connect() as con:
            tables = con.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        store.close()
        try:
            open_store(data_dir, key=keyfile.new_data_key()).close()
            problems.append(words("错误的密钥打开了数据文件", "a wrong key opened the store"))
        except StoreError as exc:
            if exc.code is not StoreErrorCode.WRONG_KEY:
                problems.append(words("错误的密钥得到的是 {code}，而不是 WRONG_KEY",
                                      "a wrong key gave {code}, not WRONG_KEY")
                                .format(code=exc.code.name))
    print(words("加密数据文件（SQLCipher）：已建立，恢复码解开了密钥，已重新打开（{tables} 项结构），"
                "错误的密钥被拒绝",
                "encrypted store (SQLCipher): made, unwrapped by its recovery code, reopened "
                "({tables} schema entries), a wrong key refused").format(tables=tables)
          if not problems else words("加密数据文件：", "encrypted store: ")
          + words("；", "; ").join(problems))

    import keyring

    from app.services.credentials import keyring_available

    native = {"win32": "keyring.backends.Windows", "darwin": "keyring.backends.macOS"}.get(
        sys.platform, "keyring.backends.SecretService")
    try:
        __import__(native)
    except ImportError as exc:
        problems.append(words("缺少 {native}（{exc}）", "{native} is missing ({exc})")
                        .format(native=native, exc=exc))
    backend = type(keyring.get_keyring())
    usable = (words("可用", "usable") if keyring_available()
              else words("本机没有可用的密钥库", "no usable keyring on this computer"))
    print(words("密钥库：{native} 已包含；正在使用 {backend}（{usable}）",
                "keyring: {native} present; in use: {backend} ({usable})")
          .format(native=native, backend=f"{backend.__module__}.{backend.__name__}",
                  usable=usable))
    if problems:
        print(words("自检未通过：", "self-test FAILED: ") + words("；", "; ").join(problems),
              file=sys.stderr)
        return 1
    print(words("自检通过", "self-test passed"))
    return 0
