"""The consent service: the gate for every sharing of client information."""
