"""nameko dependency providers of the team service."""
from typing import Any

from nameko.extensions import DependencyProvider

from team.identity import PersonalIdentityCodes


class IdentityCodes(DependencyProvider):
    """Personal identity code handling, keyed from the service's configuration."""

    def setup(self) -> None:
        config = self.container.config
        # Fails the start-up, loudly, when the keys are missing.
        self.codes = PersonalIdentityCodes(config.get("IDENTITY_KEY"), config.get("LOOKUP_KEY"))

    def get_dependency(self, worker_ctx: Any) -> PersonalIdentityCodes:
        return self.codes
