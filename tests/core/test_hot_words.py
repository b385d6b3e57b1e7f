"""Hot words' segmentation: the trade's words whole, filler and function words out."""

from __future__ import annotations

from app.core.hot_words import Lexicon, Segmenter, case_words, default_segmenter

TEXT = ("2026年3月，消费者在乐享健身房办了预付卡，现在商家跑路了，关门停业，退费难。"
        "工作人员电话联系不上，本人要求退还３０００元。直播带货买到过期食品，还有虚假宣传、"
        "霸王条款和价格欺诈，七日无理由不给退。")


def test_the_trade_words_stay_whole():
    words = default_segmenter().words(TEXT)
    for word in ("预付卡", "跑路", "关门", "停业", "退费难", "直播带货", "过期食品", "虚假宣传",
                 "霸王条款", "价格欺诈", "七日无理由", "健身房"):
        assert word in words, word
    # and not in pieces
    assert "预付" not in words and "欺诈" not in words and "霸王" not in words


def test_filler_function_words_digits_and_punctuation_are_dropped():
    words = default_segmenter().words(TEXT)
    for word in ("消费者", "商家", "工作人员", "电话", "联系", "本人", "要求", "在", "了", "和",
                 "2026", "3000", "３０００", "，", "。", "、", "年", "月", "元"):
        assert word not in words, word
    assert all(len(w) > 1 for w in words)


def test_a_word_counts_once_per_case_and_the_title_is_not_counted_twice():
    words = case_words("门店关闭 跑路", "门店关闭 跑路，老板跑路。", "退款")
    assert words.count("跑路") == 1
    assert "退款" in words


def test_latin_words_are_kept_in_one_spelling_and_codes_are_not():
    words = default_segmenter().words("在APP上下单，app闪退，订单A1号，ｗｉｆｉ连不上")
    assert words.count("APP") == 1 and "app" not in words
    assert "WIFI" in words
    assert "A1" not in words


def test_an_administrators_words_are_merged_in():
    shipped = Lexicon.shipped()
    lexicon = shipped.with_additions(trade_words=["团购券", "健"], stop_words=["健身房"])
    assert lexicon.fingerprint != shipped.fingerprint
    words = Segmenter(lexicon).words("美团上买的团购券不能用，健身房不让进，健")
    assert "团购券" in words
    assert "健身房" not in words
    assert "健" in words  # a single character the trade list names is kept
    # the shipped segmenter is untouched
    assert "健身房" in default_segmenter().words("健身房不让进")
