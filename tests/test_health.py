"""Every service starts on the broker and answers its health RPC."""
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from consent.service import ConsentService
from gateway.service import GatewayService
from notify.service import NotifyService
from referral.service import ReferralService
from team.service import TeamService

pytestmark = pytest.mark.integration


def test_each_service_answers_health(runner_factory, rabbit_config, tmp_path):
    from pathlib import Path

    import consent
    from tiimi_shared.testing.fixtures import migrate

    url = migrate(Path(consent.__file__).parent / "migrations", f"sqlite:///{tmp_path / 'c.db'}")
    runner = runner_factory(rabbit_config | {"DATABASE_URL": url}, ConsentService, TeamService,
                            ReferralService, NotifyService, GatewayService)
    runner.start()
    with ClusterRpcProxy(rabbit_config, timeout=10) as rpc:
        answers = {name: getattr(rpc, name).health()
                   for name in ("consent", "team", "referral", "notify", "gateway")}
    assert {name: a["status"] for name, a in answers.items()} == dict.fromkeys(answers, "ok")
    assert answers["consent"]["database"] == "ok"
    assert answers["consent"]["outbox_backlog"] == 0
