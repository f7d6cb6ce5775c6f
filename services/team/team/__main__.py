"""``python -m team run`` starts the service."""
import tiimi_shared.green  # noqa: F401  (first: patches sockets and threads)

# isort: split
import sys
from pathlib import Path

from team.service import TeamService
from tiimi_shared.runner import main

if __name__ == "__main__":
    sys.exit(main(TeamService, Path(__file__).parent / "migrations"))
