"""``python -m gateway run`` starts the service."""
import sys  # noqa: E402

import tiimi_shared.green  # noqa: F401  (first: patches sockets and threads)
from gateway.service import GatewayService  # noqa: E402
from tiimi_shared.runner import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(GatewayService, None))
