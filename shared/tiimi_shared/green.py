"""Import first in every process entry point: makes sockets and threads green.

eventlet must patch the standard library before anything imports sockets or
threads, or those stay blocking and stall every worker of the service.
"""
import eventlet

eventlet.monkey_patch()
