"""`mediation-desk warnings [--open] [--recheck]`: the office's early warnings (预警) as
视图 → 预警 lists them; --recheck checks the recent cases against the rules first."""

from __future__ import annotations

from pathlib import Path

from app.cli.common import add_data_dir_arg, fail, store_error_text, words

COMMAND = "warnings"

_RULES = {
    "business_volume": "同一经营者集中投诉",
    "keyword": "敏感关键词",
    "key_category": "三品一特",
    "repeat_phone": "同一号码多次诉求",
    "multi_channel": "多渠道重复诉求",
}


def add_parser(sub) -> None:
    cmd = sub.add_parser(COMMAND, help=words("列出本机构的预警",
                                             "list the office's early warnings (预警)"))
    cmd.add_argument("--open", action="store_true",
                     help=words("只列出尚未确认的，以及确认后又有新增案件的",
                                "only those not acknowledged or grown since"))
    cmd.add_argument("--recheck", action="store_true",
                     help=words("先按预警规则重新检查近期的案件",
                                "check the recent cases against the rules first"))
    add_data_dir_arg(cmd, suppress=True)
    cmd.set_defaults(run=lambda args, data_dir: run(data_dir, args.open, args.recheck))


def run(data_dir: Path, only_open: bool, recheck: bool) -> int:
    from app.core.timeutil import CHINA_TZ
    from app.services import sync, warnings
    from app.services.reference import open_workstation
    from app.services.store_keys import open_local_store
    from app.store.errors import StoreError

    try:
        store = open_local_store(data_dir)
    except StoreError as exc:
        return fail(store_error_text(exc), COMMAND)
    try:
        ws = sync.open_linked_workstation(store) if sync.is_linked(store) else \
            open_workstation(store)
        if ws is None:
            return fail(words("本机尚未完成首次同步",
                              "this workstation has not finished its first sync"), COMMAND)
        if recheck:
            result = warnings.recheck(ws)
            print(words("已重新检查：新增预警 {raised} 条，{grown} 条已有预警的案件数增加",
                        "rechecked: {raised} raised, {grown} grown")
                  .format(raised=result.raised, grown=result.grown))
        views = warnings.list_warnings(ws, only_open=only_open)
        for w in views:
            state = ("未确认" if w.acknowledged_at is None else
                     f"确认后新增 {w.grown_since_ack} 件" if w.grown_since_ack else "已确认")
            fired = w.first_fired_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
            print(f"{state}\t{_RULES.get(str(w.rule), str(w.rule))}\t{w.subject}\t"
                  f"{w.count} 件\t{fired}")
        print(words("共 {n} 条预警，{open} 条待处理", "{n} warnings, {open} open")
              .format(n=len(views), open=sum(v.needs_attention for v in views)))
    finally:
        store.close()
    return 0
