"""``python -m notify run`` starts the service."""
import tiimi_shared.green  # noqa: F401  (first: patches sockets and threads)

# isort: split
import sys
from pathlib import Path

from notify.service import NotifyService
from tiimi_shared.runner import main

if __name__ == "__main__":
    sys.exit(main(NotifyService, Path(__file__).parent / "migrations"))
