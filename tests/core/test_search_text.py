"""Search tokens for Chinese text and names, and the plan for a typed query."""

from app.core.search_text import han_tokens, name_tokens, plan_search, text_tokens


def test_han_runs_become_bigrams_and_their_last_character():
    assert han_tokens("退费") == ["退费", "费"]
    assert han_tokens("退费处理") == ["退费", "费处", "处理", "理"]
    assert han_tokens("张") == ["张"]


def test_free_text_mixes_han_bigrams_and_lowercase_words():
    assert text_tokens("iPhone 15退货") == "iphone 15 退货 货"


def test_names_carry_characters_and_pinyin():
    tokens = name_tokens("张三").split()
    for token in ("张三", "张", "三", "zhangsan", "zs"):
        assert token in tokens
    assert "lxy" in name_tokens("李秀英").split()
    # Rare characters beyond the BMP are kept, not dropped.
    assert "𠮷" in name_tokens("𠮷祥").split()
    assert name_tokens("  ") == ""


def test_business_names_are_tokenised_too():
    assert "健身" in name_tokens("上海悦动健身管理有限公司").split()


def test_query_plans():
    two = plan_search("退费")
    assert two.match == '"退费"' and not two.needles
    one = plan_search("张")
    assert one.match == '"张"*'
    long = plan_search("健身卡退费")
    assert long.needles == ("健身卡退费",) and '"卡退"' in long.match
    assert plan_search("zs").match == '"zs"*'
    assert plan_search("5678").numbers == ("5678",) and not plan_search("5678").match
    assert plan_search("138 0013 5678").numbers == ("13800135678",)
    assert plan_search("021-5012 3456").numbers == ("02150123456",)
    assert plan_search("+86 138 0013 5678").numbers == ("13800135678",)
    assert plan_search("13800135678").numbers == ("13800135678",)
    assert plan_search("11010519491231002x").numbers == ("11010519491231002X",)
    assert plan_search("ONLINE-20261123-0000413").tickets == ("ONLINE-20261123-0000413",)
    both = plan_search("张伟 退费")
    assert both.match == '"张伟" AND "退费"'
    assert plan_search("   ").is_empty
    # Quotes in what is typed cannot break the FTS expression.
    assert plan_search('a"b').match == '"a"* AND "b"*'


def test_pinyin_a_character_at_a_time_is_pypinyins_own_reading():
    """han_pinyin reads most names a character at a time; where a phrase of pypinyin's
    could change a reading (重庆, 长孙, 单于, 乐清 …) it asks pypinyin for the whole, so
    its answer is always lazy_pinyin's."""
    import random

    from pypinyin import lazy_pinyin
    from pypinyin.constants import PHRASES_DICT

    from app.core.search_text import han_pinyin

    tricky = ["重庆", "长孙无忌", "单于", "曾经", "乐清市", "解放", "朴树", "尉迟恭", "万俟卨",
              "覃斌", "区家明", "查良镛", "仇英", "𠮷野", "张三", "李秀英", "欧阳娜娜", "行长"]
    rng = random.Random(7)
    chars = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁" \
            "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚长重乐单行朝解"
    names = tricky + ["".join(rng.choice(chars) for _ in range(rng.randint(2, 4)))
                      for _ in range(3000)]
    phrased = [n for n in names if any(
        n[i:j] in PHRASES_DICT for i in range(len(n)) for j in range(i + 2, len(n) + 1))]
    assert len(phrased) > 20  # the whole-name path is exercised too
    for name in names:
        assert han_pinyin(name) == lazy_pinyin(name, errors="ignore"), name
