"""The team service: each client's team around one named key worker.

A skeleton for now: it starts and answers its health RPC.
"""
