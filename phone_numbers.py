"""How the office's phone numbers look: a pattern for a mobile and one for any phone, for every form and import."""

import re

MOBILE_PATTERN = r"^1\d{10}$"  # a mainland mobile: 11 digits starting with 1
PHONE_PATTERN = r"^[0-9+\-()（） ]{7,30}$"  # a landline or mobile, with area code, dashes or brackets
MOBILE = re.compile(MOBILE_PATTERN)
PHONE = re.compile(PHONE_PATTERN)
