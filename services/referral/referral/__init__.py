"""The referral service: closed-loop referrals between organisations
and the partner event stream.

A skeleton for now: it starts and answers its health RPC.
"""
