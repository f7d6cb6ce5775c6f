"""A skeleton: it starts, joins the broker and answers its health RPC."""
from nameko.rpc import rpc

from tiimi_shared.correlation import Correlation


class GatewayService:
    name = "gateway"

    correlation_id = Correlation()

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "status": "ok", "skeleton": True}
