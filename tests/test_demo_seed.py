"""The demo seed (examples/demo_seed.py) against the whole system, and only once."""
import importlib.util
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

SEED_FILE = Path(__file__).parents[1] / "examples" / "demo_seed.py"
STATES = {"draft", "requested", "accepted", "rejected", "cancelled", "in_progress", "on_hold",
          "completed", "failed", "entered_in_error"}


def load_seed(monkeypatch):
    spec = importlib.util.spec_from_file_location("demo_seed", SEED_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The services here run on the wall clock, whatever a developer's var/clock-offset says.
    monkeypatch.setattr(module, "CLOCK_OFFSET_FILE", Path("/nonexistent/clock-offset"))
    return module


@pytest.mark.integration
def test_the_demo_seed_makes_a_living_system_once(system, rabbit_config, tmp_path, capsys, monkeypatch):
    demo_seed = load_seed(monkeypatch)
    system()
    marker = tmp_path / "var" / "demo-seeded"
    uri = rabbit_config["AMQP_URI"]

    assert demo_seed.main(["--amqp", uri, "--marker", str(marker)]) == 0
    printed = capsys.readouterr()
    assert "demo seeded" in printed.out and printed.err == ""
    assert marker.exists() and json.loads(marker.read_text())["counts"]["clients"] == 5

    with ClusterRpcProxy({"AMQP_URI": uri}, timeout=10) as rpc:
        mine = rpc.team.my_clients(professional_id="sw-1001")
        assert len(mine) == 5 and {m["as"] for m in mine} == {"key_worker"}
        teams = [rpc.team.get_team(team_id=m["team_id"]) for m in mine]
        ngo = Counter(m["status"] for t in teams for m in t["members"] if m["professional_id"] == "ngo-77")
        assert ngo == {"active": 1, "pending_consent": 1, "suspended": 1}
        for team in teams:
            assert team["key_worker"]["professional_id"] == "sw-1001"
            county = {m["professional_id"]: m["status"] for m in team["members"]
                      if m["professional_id"] in ("sc-2002", "nurse-5")}
            assert county == {"sc-2002": "active", "nurse-5": "active"}

        referrals = [r for m in mine for r in rpc.referral.referrals_of_client(
            client_id=m["client_id"], organisation="1234567-8")]
        states = Counter(r["status"] for r in referrals)
        assert set(states) == STATES
        assert states["requested"] == 2 and all(states[s] == 1 for s in STATES - {"requested"})

        consents = [rpc.consent.list_consents(client_id=m["client_id"]) for m in mine]
        statuses = Counter(c["status"] for answer in consents for c in answer["consents"])
        assert statuses["withdrawn"] == 1 and statuses["active"] >= 4
        assert sum(len(answer["denials"]) for answer in consents) == 1
        week = datetime.now(UTC) + timedelta(days=7)
        ending = [c for answer in consents for c in answer["consents"]
                  if c["status"] == "active" and c["valid_until"]]
        assert len(ending) == 1 and datetime.fromisoformat(ending[0]["valid_until"]) < week

        assert rpc.notify.get_preferences(recipient_id="nurse-5")["language"] == "sv"
        unread = rpc.notify.list_inbox(recipient_id="sw-1001", unread_only=True, limit=500)
        assert {"referral_answered", "member_suspended"} <= {item["message"] for item in unread}

    # No name of a demo person and no identity code in what it printed.
    assert not any(person["name"] in printed.out for person in demo_seed.CLIENTS)

    assert demo_seed.main(["--amqp", uri, "--marker", str(marker)]) == 0
    assert capsys.readouterr().out.strip() == f"demo seed: already there ({marker}); nothing to do"
    with ClusterRpcProxy({"AMQP_URI": uri}, timeout=10) as rpc:
        assert len(rpc.team.my_clients(professional_id="sw-1001")) == 5


@pytest.mark.integration
def test_the_demo_seed_says_tiimi_is_not_running_and_writes_no_marker(
        rabbit_config, tmp_path, capsys, monkeypatch):
    demo_seed = load_seed(monkeypatch)
    marker = tmp_path / "demo-seeded"
    assert demo_seed.main(["--amqp", rabbit_config["AMQP_URI"], "--marker", str(marker),
                           "--wait", "1"]) == 2
    error = capsys.readouterr().err
    assert "tiimi is not running" in error and "make run" in error
    assert not marker.exists()


@pytest.mark.integration
def test_a_demo_seed_that_fails_halfway_says_where_and_writes_no_marker(
        system, rabbit_config, tmp_path, capsys, monkeypatch):
    demo_seed = load_seed(monkeypatch)
    system()
    marker = tmp_path / "demo-seeded"
    # A step the referral service refuses: a draft cannot be accepted.
    monkeypatch.setitem(demo_seed.PATHS, "draft", [(demo_seed.AS_PARTNER, "accepted", {})])

    assert demo_seed.main(["--amqp", rabbit_config["AMQP_URI"], "--marker", str(marker)]) == 1
    error = capsys.readouterr().err
    assert "demo seed: failed while moving client 2's referral to accepted (on the way to draft)" in error
    assert "no marker written" in error and not marker.exists()
