"""Password rules: long enough, not common, not the username, not a run of repeated or sequential characters.

The common-password list is zxcvbn's (30,000 most frequent leaked passwords); zxcvbn's estimate then refuses
what an attacker would guess early (dictionary words, keyboard walks, dates), with Chinese messages of our own.
"""

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_PASSWORD_LENGTH = 10
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable" (more than 10^8 guesses)
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])
# Words an attacker tries first against this office: the product, the bureau, common pinyin passwords.
LOCAL_WORDS = [
    "duban",
    "duchashi",
    "ducha",
    "linyeju",
    "linye",
    "lianluoyuan",
    "juzhang",
    "admin",
    "mima",
    "woaini",
    "zhongguo",
    "aini1314",
    "qq123456",
]


def _is_run(password: str) -> bool:
    """True for one repeated character or a steady sequence (aaaaaaaaaa, 1234567890, abcdefghij, 9876543210)."""
    if len(set(password)) <= 2:
        return True
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def password_problem(password: str, *, username: str | None = None, names: tuple[str, ...] = ()) -> str | None:
    """A Chinese explanation of why a password is too weak, or None when it is acceptable."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。"
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        return "这是常见密码，很容易被猜到，请换一个。"
    if username and username.strip() and username.strip().lower() in lowered:
        return "密码不能包含用户名。"
    if _is_run(password):
        return "密码不能是重复或连续的字符（如 aaaa、1234、abcd）。"
    inputs = [*LOCAL_WORDS, *(n for n in (username, *names) if n)]
    if zxcvbn(password[:100], user_inputs=inputs)["score"] < MIN_SCORE:
        return (
            "密码太容易被猜到（常见单词、键盘顺序、日期或简单变形），"
            "请使用更长、更无规律的密码，例如几个不相关的词加数字和符号。"
        )
    return None
