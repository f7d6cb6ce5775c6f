"""Every service starts on the broker and answers its health RPC."""
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

import consent
import notify
import referral
import team
from consent.service import ConsentService
from gateway.service import GatewayService
from notify.service import NotifyService
from referral.service import ReferralService
from team.identity import new_keys
from team.service import TeamService
from tiimi_shared.testing.fixtures import migrate
from tiimi_shared.testing.servers import free_port

pytestmark = pytest.mark.integration


def test_each_service_answers_health(container_factory, rabbit_config, tmp_path):
    identity_key, lookup_key = new_keys()

    def database(package):
        return {"DATABASE_URL": migrate(Path(package.__file__).parent / "migrations",
                                        f"sqlite:///{tmp_path / package.__name__}.db")}

    configs = {
        ConsentService: database(consent),
        TeamService: database(team) | {"IDENTITY_KEY": identity_key, "LOOKUP_KEY": lookup_key},
        ReferralService: database(referral), NotifyService: database(notify),
        GatewayService: {"JWT_SECRET": "x" * 32, "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}"},
    }
    for service_cls, config in configs.items():
        container_factory(service_cls, rabbit_config | config).start()
    with ClusterRpcProxy(rabbit_config, timeout=10) as rpc:
        answers = {name: getattr(rpc, name).health()
                   for name in ("consent", "team", "referral", "notify", "gateway")}
    assert {name: a["status"] for name, a in answers.items()} == dict.fromkeys(answers, "ok")
    assert answers["consent"]["database"] == answers["team"]["database"] == "ok"
    assert answers["referral"]["database"] == answers["notify"]["database"] == "ok"
    assert answers["consent"]["outbox_backlog"] == 0
