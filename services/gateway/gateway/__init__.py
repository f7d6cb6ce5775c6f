"""The gateway service: the HTTP door for key workers and partners (a skeleton that starts and answers health for now)."""
