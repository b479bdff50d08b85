"""Line breaking of chart labels (charts/text.py)."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from sectorscope.report.charts import text as chart_text


@given(st.text(alphabet=st.sampled_from(list("传感器成像仪,。、)((MEMS sensor ")), max_size=80), st.integers(8, 40))
def test_wrap_keeps_every_character_within_the_width(text, width):
    out = chart_text.wrap(text, width, max_lines=99)
    lines = out.split("\n") if out else []
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for k, line in enumerate(lines):
        # a line overruns only by the closing punctuation it must keep, the opening bracket it carried over,
        # or a Latin word longer than the width
        core = re.sub(r"^[((]+|[,。、)]+$", "", line)
        assert chart_text.text_width(core) <= width or any(len(w) > width - 2 for w in re.findall(r"[A-Za-z]+", line))
        assert k == 0 or line[0] not in ",。、)"
        assert k == len(lines) - 1 or line[-1] not in "((" or len(line) == 1


def test_wrap_balances_a_stub_and_keeps_brackets_with_their_text():
    assert chart_text.wrap("微型振动马达(可穿戴设备用)", 24) == "微型振动马达\n(可穿戴设备用)"
    assert chart_text.wrap("MEMS执行器(半导体封装用)(高端)", 24) == "MEMS执行器(半导体封装用)\n(高端)"
    assert chart_text.wrap("Middle Reaches of the Yangtze River", 20) == "Middle Reaches of\nthe Yangtze River"
    assert chart_text.wrap("长" * 40, 10, max_lines=2) == "长" * 5 + "\n" + "长" * 4 + "…"
