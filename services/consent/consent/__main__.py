"""``python -m consent run`` starts the service; ``python -m consent migrate`` migrates it."""
import tiimi_shared.green  # noqa: F401  (first: patches sockets and threads)

# isort: split
import sys
from pathlib import Path

from consent.service import ConsentService
from tiimi_shared.runner import main

if __name__ == "__main__":
    sys.exit(main(ConsentService, Path(__file__).parent / "migrations"))
