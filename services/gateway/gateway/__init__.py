"""The gateway service: the HTTP door for key workers and partners.

A skeleton for now: it starts and answers its health RPC.
"""
