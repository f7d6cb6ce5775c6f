"""Test helpers for every service: real broker and database, never silent skips."""
