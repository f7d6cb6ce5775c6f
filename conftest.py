# eventlet must patch sockets and threads before anything else imports them.
import tiimi_shared.green  # noqa: F401

pytest_plugins = ["tiimi_shared.testing.fixtures"]
