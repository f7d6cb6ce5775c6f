"""Import first in every process entry point: makes sockets and threads green.

eventlet must patch the standard library before anything imports sockets or
threads, or those stay blocking and stall every worker of the service.

Names are resolved by the operating system's resolver in eventlet's pool of
native threads, so a slow lookup (a partner's webhook host, the broker's name
after a restart) stalls only the green thread that asked. eventlet's own
resolver would do the same in pure Python, but it loads the whole of dnspython
and, through its DNSSEC module, the cryptography package: some 20 MB in every
service, for lookups made a few times in a process's life. The thread pool is
started by the first lookup of a name; an address written out (127.0.0.1) is
answered at once, as eventlet's resolver did.
"""
import ipaddress
import os
import socket
import sys
from collections.abc import Callable
from typing import Any

# Read once, as eventlet.green.socket is first imported; put back afterwards so
# that child processes see the environment they were given.
_asked = os.environ.get("EVENTLET_NO_GREENDNS")
os.environ["EVENTLET_NO_GREENDNS"] = "yes"
try:
    import eventlet
    import eventlet.green.socket as green_socket
    from eventlet import tpool
finally:
    if _asked is None:
        del os.environ["EVENTLET_NO_GREENDNS"]
    else:
        os.environ["EVENTLET_NO_GREENDNS"] = _asked

eventlet.monkey_patch()

LOOKUPS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "getnameinfo")

# The blocking lookups each wrapper hands to a native thread; a test may swap one.
blocking: dict[str, Callable[..., Any]] = {}


def _is_address(host: object) -> bool:
    """An IP address written out needs no lookup (a service name for the port is read from a file)."""
    if host is None:
        return True
    if not isinstance(host, str):
        return False
    try:
        ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return False
    return True


def _in_a_thread(name: str) -> Callable[..., Any]:
    direct = name in ("getaddrinfo", "gethostbyname")

    def lookup(*args: Any, **kwargs: Any) -> Any:
        host = args[0] if args else kwargs.get("host")
        if direct and _is_address(host):
            return blocking[name](*args, **kwargs)
        return tpool.execute(blocking[name], *args, **kwargs)

    lookup.__name__ = lookup.__qualname__ = name
    lookup.__doc__ = f"socket.{name}: a name is looked up in a native thread, so that only the caller waits."
    return lookup


# If eventlet was imported before this module (with its own resolver, say by a
# test runner's plugin), its lookups are already green and are left alone.
if "eventlet.support.greendns" not in sys.modules:
    for _name in LOOKUPS:
        blocking[_name] = getattr(green_socket, _name)
        _threaded = _in_a_thread(_name)
        # socket.create_connection (smtplib's way in) looks them up in eventlet's
        # green socket module; kombu, amqp and urllib3 look them up in socket.
        setattr(green_socket, _name, _threaded)
        setattr(socket, _name, _threaded)
