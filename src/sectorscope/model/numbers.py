"""Numbers as printed in reports: `1,820`, `１２.５`, `-4.7`, `三`, `十二`, `2.1`.

Chinese numerals go through cn2an; Arabic numbers are parsed here because reports mix thousands
separators, full-width digits and signs that `float()` refuses.
"""
from __future__ import annotations

import re
import unicodedata

from ..errors import ParseError

__all__ = ["parse_number"]

_ARABIC = re.compile(r"^[+\-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def parse_number(text: str) -> float:
    """Parse one printed number; raise ValueError naming the text when it is not one."""
    s = unicodedata.normalize("NFKC", str(text)).strip().replace("−", "-").replace("–", "-")
    if _ARABIC.match(s):
        return float(s.replace(",", ""))
    if s == "半":
        return 0.5
    if "分之" in s:  # 二分之一 = 1/2
        den, _, num = s.partition("分之")
        try:
            return parse_number(num) / parse_number(den)
        except (ValueError, ZeroDivisionError):
            raise ParseError(f"not a number: {text!r}") from None
    if s and all(ch in "零〇一二两三四五六七八九十百千万亿点负" for ch in s):
        if s[0] in "万亿":  # 突破万亿: a bare scale word means one of it
            s = "一" + s
        import cn2an  # on first use: it takes ~0.6 s to import, and most numbers are Arabic

        try:
            return float(cn2an.cn2an(s, "smart"))
        except ValueError:
            pass
    raise ParseError(f"not a number: {text!r}")
