"""How deeply JSON may nest: measured on the raw bytes, before any parser recurses into it."""
from __future__ import annotations

import operator
import re
from itertools import accumulate

# Nothing the API or an import needs comes near this; Python's parsers hit the recursion
# limit (a RecursionError, not a ValueError) somewhere between 300 and 1,000 levels.
MAX_DEPTH = 64

# A string literal, or an unterminated one up to the end: each match consumes what it scans,
# so the scan stays linear even on a body made of quotes and backslashes.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# An opening bracket as the signed byte +1, a closing one as -1: the running sum is the depth.
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def too_deep(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """Tell whether the JSON text DATA nests arrays and objects more than LIMIT levels deep.

    Brackets inside strings do not count; DATA need not be valid JSON (then the parser
    refuses it later, safely, since it is not deep).
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False
    steps = memoryview(brackets.translate(_STEPS)).cast("b")
    return max(accumulate(steps, operator.add)) > limit
