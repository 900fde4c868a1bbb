import pytest

from reviewer.extract.values import clean_text, op_symbol, parse_value


@pytest.mark.parametrize(
    "raw, number, unit, op, kind, decimals",
    [
        ("1.12%", 1.12, "%", "", "number", 2),
        ("≥8", 8, "", "≥", "number", 0),
        ("=1次", 1, "次", "=", "number", 0),
        ("14万", 14, "万", "", "number", 0),
        ("1万/批次", 1, "万/批次", "", "number", 0),
        ("3570元/人", 3570, "元/人", "", "number", 0),
        ("≥320 天", 320, "天", "≥", "number", 0),
        (">=90", 90, "", "≥", "number", 0),
        ("3,222,371.53", 3222371.53, "", "", "number", 2),
        ("0.00%", 0, "%", "", "number", 2),
        ("65/套", 65, "/套", "", "number", 0),
        ("有序推进", None, "", "", "text", None),
        ("全年参与开展招商引资活动不少于4次。", None, "", "", "text", None),
        ("—", None, "", "", "blank", None),
        ("-", None, "", "", "blank", None),
        ("", None, "", "", "blank", None),
        ("  ", None, "", "", "blank", None),
    ],
)
def test_parse_value(raw, number, unit, op, kind, decimals):
    v = parse_value(raw, line=7)
    assert v.kind == kind
    assert v.number == number
    assert v.unit == unit
    assert v.op == op
    assert v.decimals == decimals
    assert v.line == 7


def test_raw_text_is_kept():
    assert parse_value(" ≥320 天 ").raw == "≥320 天"


def test_operator_cells():
    assert [op_symbol(t) for t in (">=", "≤", "<=", "=", "定性", "", "x")] == ["≥", "≤", "≤", "=", "定性", "", ""]


def test_clean_text_joins_broken_chinese_words():
    assert clean_text("服务对象 满意度指 标") == "服务对象满意度指标"
    assert clean_text("满意度\n指标") == "满意度指标"
    assert clean_text("APEC 商旅卡") == "APEC 商旅卡"
