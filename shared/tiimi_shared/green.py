"""Import first in every process entry point: makes sockets and threads green.

eventlet must patch the standard library before anything imports sockets or
threads, or those stay blocking and stall every worker of the service.
"""
import warnings

# eventlet warns on import that it is in maintenance mode; nameko 2 requires it.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()
