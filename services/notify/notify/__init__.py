"""The notify service: messages to team members and partners (a skeleton that starts and answers health for now)."""
