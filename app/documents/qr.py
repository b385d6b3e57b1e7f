"""The verification QR code's modules, module for module the code reportlab's encoder
makes (level M, UTF-8 bytes), in a tenth of its time.

reportlab's qrencoder took ~12 ms of the ~35 a final agreement cost: Reed-Solomon by
polynomial objects, and each of the eight masks laid out and scored cell by cell. Here
the version's layout (function patterns, each mask over empty data) is made once by
reportlab's own code and kept; a document's data bits are XORed onto it a row at a time
(rows and columns as integers), the masks scored by the same rules with bit operations,
and the first lowest kept, as reportlab chooses. tests/documents/test_qr.py holds the
two encoders to the same modules.
"""

from __future__ import annotations

from functools import cache, lru_cache

from reportlab.graphics.barcode import qrencoder as _rl

__all__ = ["modules"]

_LEVEL = _rl.QRErrorCorrectLevel.M
_EXP, _LOG = _rl.EXP_TABLE, _rl.LOG_TABLE
_FINDER_LIKE = (1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0)  # reportlab's rule 3 pattern


@lru_cache(maxsize=64)
def modules(value: str) -> tuple[int, ...]:
    """The code's rows, dark modules as set bits (bit c of row r: column c)."""
    code = _rl.QRCode(None, _LEVEL)
    code.addData(_rl.QR8bitByte(value))
    version = code.calculate_version()
    size = version * 4 + 17
    rows, cols = [0] * size, [0] * size
    for (col, row), dark in zip(_positions(version), _bits(_codewords(code, version)),
                                strict=False):
        if dark:
            rows[row] |= 1 << col
            cols[col] |= 1 << row
    best, lowest = 0, -1
    for mask in range(8):
        test_rows, test_cols = _layout(version, mask, True)
        score = _score([a ^ b for a, b in zip(test_rows, rows, strict=True)],
                       [a ^ b for a, b in zip(test_cols, cols, strict=True)], size)
        if lowest < 0 or score < lowest:
            best, lowest = mask, score
    final_rows, _ = _layout(version, best, False)
    return tuple(a ^ b for a, b in zip(final_rows, rows, strict=True))


def _codewords(code: _rl.QRCode, version: int) -> list[int]:
    """Data and error correction codewords, interleaved (reportlab's createData with the
    Reed-Solomon remainders worked out from log tables)."""
    blocks = _rl.QRRSBlock.getRSBlocks(version, _LEVEL)
    buffer = _rl.QRBitBuffer()
    for data in code.dataList:
        data.write(buffer, version)
    capacity = sum(b.dataCount for b in blocks) * 8
    if buffer.getLengthInBits() + 4 <= capacity:
        buffer.put(0, 4)
    while buffer.getLengthInBits() % 8:
        buffer.putBit(False)
    pad = (_rl.QRCode.PAD0, _rl.QRCode.PAD1)
    n = 0
    while buffer.getLengthInBits() < capacity:
        buffer.put(pad[n % 2], 8)
        n += 1
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        data = buffer.buffer[offset:offset + block.dataCount]
        offset += block.dataCount
        data_blocks.append(data)
        ec_blocks.append(_remainder(data, block.totalCount - block.dataCount))
    out = []
    for group in (data_blocks, ec_blocks):
        for i in range(max(len(b) for b in group)):
            out += [b[i] for b in group if i < len(b)]
    return out


@cache
def _generator(count: int) -> tuple[int, ...]:
    """The generator polynomial's coefficients after the leading 1, as logarithms."""
    poly = _rl.QRUtil.getErrorCorrectPolynomial(count)
    return tuple(_LOG[c] for c in poly.num[1:])


def _remainder(data: list[int], count: int) -> list[int]:
    generator = _generator(count)
    rest = [0] * count
    for byte in data:
        factor = byte ^ rest[0]
        rest = rest[1:] + [0]
        if factor:
            log = _LOG[factor]
            rest = [r ^ _EXP[(log + g) % 255] for r, g in zip(rest, generator, strict=True)]
    return rest


def _bits(codewords: list[int]):
    for byte in codewords:
        for shift in range(7, -1, -1):
            yield (byte >> shift) & 1


@lru_cache(maxsize=8)
def _positions(version: int) -> tuple[tuple[int, int], ...]:
    """The data modules (column, row) in the order the bits fill them."""
    code = _rl.QRCode(version, _LEVEL)
    code.moduleCount = version * 4 + 17  # what the iterator walks (set by makeImpl)
    return tuple(code.dataPosIterator())


@lru_cache(maxsize=64)
def _layout(version: int, mask: int, test: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Rows and columns of the version with ``mask`` over all-light data: function
    patterns, format and version bits (blank with ``test``, as reportlab scores masks),
    and the mask's own modules where data goes."""
    code = _rl.QRCode(version, _LEVEL)
    code.dataCache = [0] * sum(b.totalCount for b in _rl.QRRSBlock.getRSBlocks(version, _LEVEL))
    code.makeImpl(test, mask)
    grid = code.modules
    size = len(grid)
    rows = tuple(sum(1 << c for c in range(size) if grid[r][c]) for r in range(size))
    cols = tuple(sum(1 << r for r in range(size) if grid[r][c]) for c in range(size))
    return rows, cols


def _score(rows: list[int], cols: list[int], size: int) -> int:
    """reportlab's QRUtil.getLostPoint on bits: runs of five or more alike (rows and
    columns), 2×2 blocks alike, 1011101 0000 in rows (where reportlab finds it), and
    the balance of dark and light."""
    pairs = (1 << (size - 1)) - 1
    score = 0
    for line in (*rows, *cols):
        alike = ~(line ^ (line >> 1)) & pairs
        five = alike & (alike >> 1) & (alike >> 2) & (alike >> 3)
        if five:
            score += five.bit_count() + 2 * (five & ~(five << 1)).bit_count()
    for upper, lower in zip(rows, rows[1:], strict=False):
        same = ~(upper ^ lower)
        score += 3 * (same & (same >> 1) & ~(upper ^ (upper >> 1)) & pairs).bit_count()
    starts = (1 << (size - len(_FINDER_LIKE))) - 1
    for line in rows:  # reportlab's column pass compares tuples with a list: never a match
        found = starts
        for k, dark in enumerate(_FINDER_LIKE):
            found &= (line >> k) if dark else ~(line >> k)
            if not found:
                break
        score += 40 * found.bit_count()
    dark = sum(r.bit_count() for r in rows)
    return score + 10 * (abs(100 * dark // (size * size) - 50) // 5)
