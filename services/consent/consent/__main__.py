"""``python -m consent run`` starts the service; ``python -m consent migrate`` migrates it."""
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import tiimi_shared.green  # noqa: F401  (first: patches sockets and threads)
from consent.service import ConsentService  # noqa: E402
from tiimi_shared.runner import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(ConsentService, Path(__file__).parent / "migrations"))
