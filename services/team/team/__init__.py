"""The team service: each client's team around one named key worker.

Built so far: the client register. The team itself is still to come.
"""
