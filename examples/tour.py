"""What the tours share: made-up identity codes, waiting for something to happen, running one."""
import random
import sys
import time

from nameko.exceptions import RpcTimeout, UnknownService


def made_up_identity_code() -> str:
    """A valid code for a person born in 1952 who does not exist here."""
    date = f"{random.randint(1, 28):02d}{random.randint(1, 12):02d}52"
    individual = f"{random.randint(2, 899):03d}"
    return date + "-" + individual + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(date + individual) % 31]


def eventually(check, timeout: float = 20.0):
    """``check()``'s first truthy answer, or its last answer when ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def run(main) -> None:
    """Run a tour; if tiimi is not running, say how to start it instead of a traceback."""
    try:
        sys.exit(main())
    except (UnknownService, RpcTimeout) as error:
        print(f"tour: no answer from tiimi ({type(error).__name__}: {error}); start it first with `make run`",
              file=sys.stderr)
        sys.exit(2)
