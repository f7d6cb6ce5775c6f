"""The team service: each client's team around one named key worker (a skeleton that starts and answers health for now)."""
