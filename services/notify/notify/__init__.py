"""The notify service: messages to team members and partners.

A skeleton for now: it starts and answers its health RPC.
"""
