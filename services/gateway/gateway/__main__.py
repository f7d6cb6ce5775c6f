"""``python -m gateway run`` starts the service."""
import tiimi_shared.green  # noqa: F401  (first: patches sockets and threads)

# isort: split
import sys

from gateway.service import GatewayService
from tiimi_shared.runner import main

if __name__ == "__main__":
    sys.exit(main(GatewayService, None))
