"""How stored keys and numbers read to a person: periods (2026Q3 → 2026年第三季度) and file sizes (49 字节)."""

import re

QUARTERS = {"1": "第一季度", "2": "第二季度", "3": "第三季度", "4": "第四季度"}
HALVES = {"1": "上半年", "2": "下半年"}


def period_text(key) -> str:
    """A period key as a person reads it: '2026Q3' → '2026年第三季度', '2026-H2' → '2026年下半年',
    '2026-11' → '2026年11月'; anything else unchanged (empty for None)."""
    if key is None:
        return ""
    key = str(key)
    if match := re.fullmatch(r"(\d{4})Q([1-4])", key):
        return f"{match[1]}年{QUARTERS[match[2]]}"
    if match := re.fullmatch(r"(\d{4})-H([12])", key):
        return f"{match[1]}年{HALVES[match[2]]}"
    if match := re.fullmatch(r"(\d{4})-(\d{2})", key):
        return f"{match[1]}年{int(match[2])}月"
    return key


def file_size(size) -> str:
    """A size in bytes as a person reads it: '49 字节', '1.2 KB', '3.4 MB'."""
    if size is None:
        return ""
    size = int(size)
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
