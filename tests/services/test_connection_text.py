"""The connection text an administrator sends fills every field of the form."""

from __future__ import annotations

import pytest

from app.services.central_address import ServerFields, read_connection_text
from app.sync.central import CentralError


def test_lines_in_chinese_fill_every_field():
    pasted = read_connection_text("""张敏您好，调解工作台的中心数据库信息如下：
服务器：db.pudong.gov.cn
端口：6432
数据库：mediation
登录名：mdt_zhangmin
初始密码：Tmp-2026-xyz
加密方式：verify-full
""")
    assert pasted.fields == ServerFields("db.pudong.gov.cn", 6432, "mediation")
    assert (pasted.login, pasted.password, pasted.sslmode) == (
        "mdt_zhangmin", "Tmp-2026-xyz", "verify-full")


def test_an_address_with_its_password_inline_is_taken_apart():
    pasted = read_connection_text(
        "postgresql://mdt_lisi:s3cret@10.0.0.5:5432/mediation?sslmode=require")
    assert pasted.fields == ServerFields("10.0.0.5", 5432, "mediation")
    assert pasted.login == "mdt_lisi" and pasted.password == "s3cret"
    assert pasted.sslmode == "require" and "s3cret" not in pasted.address


def test_a_libpq_string_and_a_shared_file():
    pasted = read_connection_text("host=db.example dbname=mediation user=mdt_wang port=5433")
    assert pasted.fields == ServerFields("db.example", 5433, "mediation")
    assert pasted.login == "mdt_wang"
    shared = read_connection_text("sqlite:////srv/mediation/central.sqlite")
    assert shared.fields is None and shared.address == "sqlite:////srv/mediation/central.sqlite"


@pytest.mark.parametrize("text", ["", "请联系管理员", "端口：abc\n服务器：x"])
def test_text_that_names_no_server_is_refused(text):
    with pytest.raises(CentralError):
        read_connection_text(text)
