"""``python -m referral run`` starts the service."""
import tiimi_shared.green  # noqa: F401  (first: patches sockets and threads)

# isort: split
import sys
from pathlib import Path

from referral.service import ReferralService
from tiimi_shared.runner import main

if __name__ == "__main__":
    sys.exit(main(ReferralService, Path(__file__).parent / "migrations"))
