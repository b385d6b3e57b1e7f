"""`mediation-desk render KIND --case REF --out FILE.pdf`: any document of a case as a
PDF, for scripting and checking. Errors in plain words — Chinese, or English where the
locale asks for it (LANG=C) — exit status 2."""

from __future__ import annotations

from pathlib import Path

from app.cli.common import add_data_dir_arg, cannot_write_text, fail, store_error_text, words
from app.core.documents import DocumentKind

FIELD_WORDS = {
    "parties": "当事人 (parties)", "facts": "纠纷主要事实 (facts)",
    "disputes": "争议事项 (disputes)", "clauses": "协议内容 (clauses)",
    "performance": "履行方式、时限 (performance)", "mediator": "人民调解员 (mediator)",
    "addressee": "告知对象 (addressee)", "ground": "依据 (ground)",
    "session_id": "调解记录 (a finished session record)",
    "follow_up_id": "回访 (a recorded follow-up)",
}

# A refusal's problem (services.documents.DocumentProblem) in Chinese, as the document
# view words it; English prints the service's own words.
REFUSALS = {
    "not_found": "找不到这份文书或它引用的记录，可能已被删除",
    "no_agreement": "本案还没有调解协议书",
    "not_on_track": "市场监管投诉调解没有口头协议登记表：达成协议的，请制作调解书",
    "rules_unverified": "本案适用的规则（{detail}）尚未核实，请管理员核实后再出具文书",
    "negative_amount": "金额不能为负数：{detail}",
    "amount_mismatch": "金额前后不一致（金额数字与大写不符，或条款中缺少金额）",
    "content_mismatch": "这份文书的存档内容与定稿时不一致，可能被改动过，已停止生成；请联系管理员核查",
}


def add_parser(sub) -> None:
    kinds = ", ".join(k.value for k in DocumentKind)
    render = sub.add_parser("render", help=words("把案件的一份文书生成 PDF",
                                                 "render a document of a case to PDF"),
                            description=words("KIND 是文书种类：{kinds}。REF 是案件编号或工单号。",
                                              "KIND: {kinds}. REF: the case id or its ticket "
                                              "number.").format(kinds=kinds))
    render.add_argument("kind", metavar="KIND")
    render.add_argument("--case", required=True, metavar="REF")
    render.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    add_data_dir_arg(render, suppress=True)
    render.set_defaults(run=run)


def _fail(message: str) -> int:
    return fail(message, "render")


def run(args, data_dir: Path) -> int:
    from app.documents import wording
    from app.documents.errors import BadAmount, BadDossierEntry, MissingGlyphs, NoFont
    from app.documents.errors import DocumentError as BuildError
    from app.services import cases, documents
    from app.services import sync as sync_service
    from app.services.errors import CaseNotFound
    from app.services.reference import open_workstation
    from app.services.store_keys import open_local_store
    from app.store.blobs import write_atomically
    from app.store.errors import StoreError

    try:
        kind = DocumentKind(args.kind)
    except ValueError:
        return _fail(words("没有这种文书：{kind!r}；可以是：", "unknown kind {kind!r}; one of: ")
                     .format(kind=args.kind) + ", ".join(k.value for k in DocumentKind))
    if not (data_dir / "store.sqlite").exists():
        return _fail(words("{dir} 中没有数据（请用 --data-dir 指定数据文件夹）",
                           "no store in {dir} (give --data-dir)").format(dir=data_dir))
    try:
        store = open_local_store(data_dir)
    except StoreError as exc:
        return _fail(store_error_text(exc))
    try:
        ws = (sync_service.open_linked_workstation(store) if sync_service.is_linked(store)
              else open_workstation(store))
        if ws is None:
            return _fail(words("本机尚未完成首次同步", "this workstation has not finished its first sync"))
        try:
            case_id = cases.find_case(ws, args.case)
        except CaseNotFound:
            return _fail(words("{dir} 中没有案件 {ref!r}（既不是案件编号，也不是工单号）",
                               "no case {ref!r} in {dir} (neither a case id nor a ticket number)")
                         .format(ref=args.case, dir=data_dir))
        try:
            pdf = documents.render_for_case(ws, case_id, kind)
        except documents.DocumentRefused as exc:
            if exc.problem == documents.DocumentProblem.MISSING_FIELDS:
                named = [FIELD_WORDS.get(f, f) for f in exc.detail]
                return _fail(words(
                    "{title}还不能生成，缺少：" + "；".join(n.split(" (")[0] for n in named),
                    "the {kind} ({title}) cannot be made yet; missing: " + "; ".join(named))
                    .format(kind=kind.value, title=wording.TITLES[kind]))
            detail = exc.detail if isinstance(exc.detail, str) else "、".join(
                map(str, exc.detail or ()))
            chinese = REFUSALS.get(exc.problem, exc.problem).format(detail=detail)
            return _fail(words(chinese, str(exc)))
        except MissingGlyphs as exc:
            return _fail(words("已安装的字体都不能显示：", "no installed font can draw: ") + " ".join(
                f"{c} (U+{ord(c):04X})" for c in exc.chars))
        except NoFont as exc:
            return _fail(words("找不到中文字体（{exc}）；请运行 scripts/setup",
                               "no Chinese font found ({exc}); run scripts/setup").format(exc=exc))
        except BadAmount as exc:
            amount = "" if exc.amount is None else f" {exc.amount} "
            return _fail(words(f"金额{amount}无法打印：金额须为不超过一万亿元的非负数，最多两位小数",
                               str(exc)))
        except BadDossierEntry as exc:
            return _fail(words(f"卷宗第 {exc.index + 1} 项（{exc.title}）不是可以读取的 PDF",
                               str(exc)))
        except BuildError as exc:
            return _fail(str(exc))
        out = args.out
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(out, pdf, prefix=".render-")
        except OSError as exc:
            return _fail(cannot_write_text(out, exc))
        print(words("已生成 {out}（{title}，{size:,} 字节）", "wrote {out} ({title}, {size:,} bytes)")
              .format(out=out, title=wording.TITLES[kind], size=len(pdf)))
        return 0
    finally:
        store.close()
