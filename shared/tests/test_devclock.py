"""The local movable clock: a file offset every `make run` service reads."""
from datetime import UTC, datetime, timedelta

import pytest

from tiimi_shared import devclock
from tiimi_shared.clock import OffsetFileClock


def test_the_offset_file_moves_the_clock_and_a_missing_file_is_no_offset(tmp_path):
    clock = OffsetFileClock(tmp_path / "clock-offset")
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)
    clock.advance(timedelta(days=3))
    assert abs(clock.now() - (datetime.now(UTC) + timedelta(days=3))) < timedelta(seconds=1)
    # Another reader of the same file (another service) sees the same time.
    assert abs(OffsetFileClock(tmp_path / "clock-offset").now() - clock.now()) < timedelta(seconds=1)


def test_the_command_advances_shows_and_resets(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TIIMI_VAR_DIR", str(tmp_path))
    assert devclock.main(["advance", "90m"]) == 0
    assert OffsetFileClock(tmp_path / "clock-offset").offset() == timedelta(minutes=90)
    assert devclock.main(["show"]) == 0
    assert "1:30:00" in capsys.readouterr().out
    assert devclock.main(["reset"]) == 0
    assert not (tmp_path / "clock-offset").exists()


@pytest.mark.parametrize("bad", ["3 days", "-1d", "1w", ""])
def test_a_duration_it_cannot_read_is_refused_and_changes_nothing(tmp_path, monkeypatch, bad):
    monkeypatch.setenv("TIIMI_VAR_DIR", str(tmp_path))
    assert devclock.main(["advance", bad]) == 2
    assert not (tmp_path / "clock-offset").exists()


def test_make_run_settings_reach_the_services_config():
    from tiimi_shared import config

    nameko = config.load("referral", {"TIIMI_CLOCK_OFFSET_FILE": "/tmp/offset",
                                      "TIIMI_DEADLINE_INTERVAL": "3"}).nameko_config()
    assert nameko["CLOCK_OFFSET_FILE"] == "/tmp/offset" and nameko["DEADLINE_INTERVAL"] == "3"
    assert "CLOCK_OFFSET_FILE" not in config.load("referral", {}).nameko_config()  # production: system clock
