"""Move the local system's clock: ``python -m tiimi_shared.devclock advance 3d``.

Only for ``make run``, whose services read the offset file under ``var/``
(see ``clock.OffsetFileClock``). ``show`` prints the offset, ``reset`` clears it.
"""
from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path

from tiimi_shared.clock import OffsetFileClock
from tiimi_shared.config import var_dir

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def offset_file() -> Path:
    return var_dir() / "clock-offset"


def parse(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([smhd])", text.strip())
    if match is None:
        raise ValueError(f"not a duration: {text!r} (use for example 90s, 15m, 4h or 3d)")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def main(argv: list[str]) -> int:
    clock = OffsetFileClock(offset_file())
    if argv[:1] == ["advance"] and len(argv) == 2:
        try:
            moment = clock.advance(parse(argv[1]))
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        print(f"local clock now {moment.isoformat(timespec='seconds')} (offset {clock.offset()})")
        return 0
    if argv == ["reset"]:
        offset_file().unlink(missing_ok=True)
        print("local clock follows the system clock again")
        return 0
    if argv == ["show"]:
        print(f"offset {clock.offset()}; local clock {clock.now().isoformat(timespec='seconds')}")
        return 0
    print("usage: python -m tiimi_shared.devclock advance <N>{s,m,h,d} | show | reset", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
