"""Time from an injected clock, so expiry and deadlines are testable without sleeping.

A service reads the time through the ``Clock`` dependency. In production it is
the system clock; a test passes any object with ``now()`` as the container's
``CLOCK`` config value (see :class:`MovableClock`).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider
from nameko.timer import Timer


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """A clock that stands still until moved."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment


class OffsetFileClock:
    """The system clock moved forward by the seconds written in a file; for local runs only.

    ``make run`` points every service at one file, so ``python -m
    tiimi_shared.devclock advance 3d`` moves the whole local system at once and
    deadlines can be seen to pass without waiting. Production never sets it.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def offset(self) -> timedelta:
        try:
            return timedelta(seconds=float(self.path.read_text().strip() or 0))
        except FileNotFoundError:
            return timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()

    def advance(self, delta: timedelta) -> datetime:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(str((self.offset() + delta).total_seconds()))
        return self.now()


def wall_clock() -> datetime:
    """The machine's time, for bookkeeping only (when a row was written or published).

    Domain time (validity, deadlines, when something happened) comes from the
    injected clock, never from here.
    """
    return datetime.now(UTC)


class TimeSource(Protocol):
    def now(self) -> datetime: ...


def configured_source(config: Mapping[str, Any]) -> TimeSource:
    """The clock a service's config names: a test's ``CLOCK``, a local offset file, or the system's."""
    offset_file = config.get("CLOCK_OFFSET_FILE")
    source: TimeSource = config.get("CLOCK") or (
        OffsetFileClock(offset_file) if offset_file else SystemClock())
    return source


class Clock(DependencyProvider):
    def setup(self) -> None:
        self.source = configured_source(self.container.config)

    def get_dependency(self, worker_ctx: WorkerContext) -> Callable[[], datetime]:
        return self.source.now


class ConfiguredTimer(Timer):
    """A nameko timer whose interval comes from the service's config at start-up."""

    interval: float

    def __init__(self, config_key: str, default: float, **kwargs: Any):
        self.config_key = config_key
        super().__init__(interval=default, **kwargs)

    def setup(self) -> None:
        self.interval = float(self.container.config.get(self.config_key, self.interval))
        super().setup()


configured_timer = ConfiguredTimer.decorator
