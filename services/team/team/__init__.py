"""The team service: each client's register entry and team around one named key worker.

Entrypoints in ``service``, use cases in ``use_cases``, decisions in ``rules``.
"""
