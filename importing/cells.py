"""Reading one spreadsheet cell the way a person meant it: text, digits, e-mail, phone, date, yes/no, lists."""

import re
import unicodedata
from datetime import date, datetime, timedelta

from email_validator import EmailNotValidError, validate_email

from phone_numbers import PHONE

# The same rules as the screens (admin_views/organisation.py), so a file cannot store what a form would refuse.

ERROR_VALUES = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
EXCEL_EPOCH = date(1899, 12, 30)
YES = {"是", "y", "yes", "true", "1", "√", "✓", "启用", "在岗", "有效"}
NO = {"否", "n", "no", "false", "0", "×", "✗", "停用", "离岗", "离任", "无效"}
LIST_SEPARATORS = re.compile(r"[、，,;；\n]+")
ALIAS_SEPARATORS = re.compile(r"[、，,;；\s]+")
# Full-width digits and Latin letters become ASCII in stored text; full-width punctuation such as （） stays.
_WIDE_ALNUM = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}


def is_blank(value) -> bool:
    """True for an empty cell or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip(" \t\r\n\u3000\xa0"))


def number_text(value: int | float) -> str:
    """A number as a person typed it: 13900001111.0 → "13900001111", 2.50 → "2.5"."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value).rstrip("0").rstrip(".")
    return str(value)


def raw_text(value) -> str:
    """Any cell as text, numbers without a spurious ".0", dates as 2026-03-05."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def single_line(value) -> str:
    """Text of one line: outer spaces gone, inner runs of spaces and line breaks one space, wide digits ASCII."""
    text = raw_text(value).replace("\u3000", " ").replace("\xa0", " ").translate(_WIDE_ALNUM)
    return " ".join(text.split())


def multi_line(value) -> str:
    """Longer text (requirements, notes): line breaks kept, trailing spaces of each line removed."""
    text = raw_text(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    return "\n".join(line.rstrip() for line in text.strip().split("\n")).strip()


def compact_ascii(value) -> str:
    """For codes, e-mail addresses and numbers: full-width folded to ASCII (NFKC), every space removed."""
    text = unicodedata.normalize("NFKC", raw_text(value))
    return "".join(text.split())


def email_problem(text: str) -> str | None:
    """Why an address is not a valid e-mail address (None when it is), by the same library as the forms."""
    if len(text) > 120:
        return "电子邮箱不能超过 120 个字符。"
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return f"电子邮箱“{text}”格式不正确，应形如 name@example.org。"
    return None


def mobile_digits(value) -> str:
    """A mobile number as 11 digits: full-width, spaces, hyphens and a +86 prefix removed."""
    text = compact_ascii(value).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


def phone_problem(text: str) -> str | None:
    """Why an office phone number is not one (None when it is)."""
    if PHONE.match(text):
        return None
    return f"电话号码“{text}”格式不正确，应为数字，可含区号和“-”（如 0457-2345678）。"


def parse_date(value) -> date:
    """A date from an Excel date, an Excel serial number, or text such as 2026-3-5, 2026年3月5日, 2026.3.5."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # a date cell formatted as a number shows its serial (46086 = 2026-03-05)
        if 20000 <= value <= 80000:
            return EXCEL_EPOCH + timedelta(days=int(value))
        if 19000101 <= value <= 29991231 and float(value).is_integer():
            value = str(int(value))
        else:
            raise ValueError(f"无法识别的日期“{number_text(value)}”，应形如 2026-03-05。")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = DATE_TEXT.match(text) or COMPACT_DATE.match(text)
    if not match:
        raise ValueError(f"无法识别的日期“{text}”，应形如 2026-03-05 或 2026年3月5日。")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{text}”不存在（{year}年没有{month}月{day}日）。") from None


def parse_yes_no(value) -> bool:
    """是/否 (and the usual ways of writing them: Y/N, 1/0, √/×, TRUE/FALSE)."""
    if isinstance(value, bool):
        return value
    text = compact_ascii(value).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"应填写“是”或“否”，不能是“{raw_text(value).strip()}”。")


def split_list(value, separators: re.Pattern = LIST_SEPARATORS) -> list[str]:
    """Several names in one cell, separated by 、，, ; or line breaks; blanks and repeats dropped."""
    names: list[str] = []
    for part in separators.split(raw_text(value)):
        name = single_line(part)
        if name and name not in names:
            names.append(name)
    return names
