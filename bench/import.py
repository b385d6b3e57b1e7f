"""Benchmark: importing 100,000 work orders from an .xlsx export (issue 15: < 20 s,
peak memory < 500 MB; the same file again < 10 s with 0 new rows).

    .venv/bin/python bench/import.py                  # 100,000 rows
    .venv/bin/python bench/import.py --rows 20000     # another size
    .venv/bin/python bench/import.py --openpyxl       # also time openpyxl reading the file
    .venv/bin/python bench/import.py --encrypted      # into a SQLCipher store, as a real one is

The export (a title row merged above the header, as the platforms write it) is made once
in .bench-stores/; each run imports it into a fresh store in a temporary folder, then
imports it again. Prints each phase's seconds and the peak RSS against the budgets.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

BUDGET_IMPORT_S = 20.0  # per 100,000 rows
BUDGET_REIMPORT_S = 10.0
BUDGET_MB = 500.0
HEADER = ["工单编号", "来电时间", "来电人", "联系电话", "身份证号", "联系地址", "被诉主体",
          "诉求内容", "问题分类", "所属街镇", "来源渠道"]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建文斌宇浩凯健俊帆帅旭宁婷雪琳晨曦欣怡佳悦梓涵子轩一诺雨桐思远嘉怡"


def complainant_name(i: int) -> str:
    """A different name for nearly every row, as a real export has (names repeat
    rarely, and every new one costs the search index its pinyin)."""
    surname = SURNAMES[i % len(SURNAMES)]
    rest = i // len(SURNAMES)
    first, second = GIVEN[rest % len(GIVEN)], GIVEN[(rest // len(GIVEN)) % len(GIVEN)]
    return surname + first + (second if i % 3 else "")


def make_export(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("工单明细")
    sheet.append(["浦东新区市场监管局投诉工单导出"])
    sheet.append(HEADER)
    regions = ("花木街道", "陆家嘴街道", "洋泾街道", "塘桥街道", "潍坊新村街道")
    categories = ("预付式消费", "商品质量", "餐饮服务", "网购", "家用电器", "教育培训")
    for i in range(rows):
        sheet.append([f"1310115{i:012d}", datetime(2025, 1 + i % 12, 1 + i % 28, 8 + i % 10,
                                                 i % 60),
                      complainant_name(i), f"13{i % 10}{i:08d}"[:11], "",
                      f"浦东新区某路{i % 999}号", f"上海某某商贸有限公司{i % 3000}",
                      f"消费者反映于{i % 28 + 1}日购买的商品存在质量问题，商家拒绝退货，要求退款并赔偿。"
                      f"编号{i}", categories[i % len(categories)], regions[i % len(regions)],
                      "12315"])
    book.save(path)


def main() -> int:
    from app.services.reference import open_workstation
    from app.services.work_order_import import (
        ImportMode,
        ImportOptions,
        layout,
        open_file,
        prepare,
        run_import,
    )
    from app.store.database import open_store
    from bench.memory import children_peak_rss_mb, peak_rss_mb

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--openpyxl", action="store_true")
    parser.add_argument("--encrypted", action="store_true",
                        help="import into a new SQLCipher-encrypted store (a real store is)")
    args = parser.parse_args()
    # -names: complainants with real, mostly different names (the first file repeated
    # 5,000 made-up ones, which the search index's name cache made cheap).
    export = ROOT / ".bench-stores" / f"import-{args.rows}-names.xlsx"
    if not export.exists():
        export.parent.mkdir(parents=True, exist_ok=True)
        print(f"making {export} …", file=sys.stderr)
        make_export(export, args.rows)
    print(f"{export.name}: {export.stat().st_size / 2**20:.1f} MB", file=sys.stderr)
    if args.openpyxl:
        from openpyxl import load_workbook

        t = time.perf_counter()
        book = load_workbook(export, data_only=True)
        sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
        print(f"openpyxl reads it in {time.perf_counter() - t:.1f} s (for comparison)")
        del book
    scale = args.rows / 100_000
    options = ImportOptions(mode=ImportMode.VALID_ROWS)
    over = 0
    with tempfile.TemporaryDirectory() as folder:
        if args.encrypted:
            import secrets

            store = open_store(Path(folder), key=secrets.token_bytes(32), create_encrypted=True)
        else:
            store = open_store(Path(folder))
        print(f"store: {'SQLCipher-encrypted' if store.encrypted else 'plain'}",
              file=sys.stderr)
        ws = open_workstation(store)
        try:
            for label, budget, expect_new in (("import", BUDGET_IMPORT_S * scale, True),
                                              ("re-import", BUDGET_REIMPORT_S * scale, False)):
                t0 = time.perf_counter()
                file = open_file(export)
                t1 = time.perf_counter()
                found = layout(ws, file)
                prepared = prepare(ws, file, found, options)
                t2 = time.perf_counter()
                summary = run_import(ws, file, found, options, prepared=prepared)
                t3 = time.perf_counter()
                total = t3 - t0
                ok = total < budget and (summary.created > 0) == expect_new
                over += not ok
                print(f"{label:10} {args.rows:,} rows: read {t1 - t0:5.1f} s, check "
                      f"{t2 - t1:5.1f} s, write {t3 - t2:5.1f} s = {total:5.1f} s "
                      f"(new {summary.created:,}, updated {summary.updated:,}, unchanged "
                      f"{summary.unchanged:,}); budget {budget:.0f} s "
                      f"{'ok' if ok else 'OVER'}")
                del file, prepared
        finally:
            store.close()
    peak = peak_rss_mb()
    over += peak >= BUDGET_MB
    print(f"peak RSS {peak:.0f} MB; budget {BUDGET_MB:.0f} MB {'ok' if peak < BUDGET_MB else 'OVER'}")
    # The worker processes wait for a next import a while: their own peaks, beside.
    workers = children_peak_rss_mb()
    if workers:
        print(f"worker processes' peak RSS {' + '.join(f'{w:.0f}' for w in workers)} MB "
              f"(with this process {peak + sum(workers):.0f} MB)")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
