"""One nameko RPC call from the command line, for the chaos harness: prints the answer as JSON.

    python bench/chaos/rpc_call.py AMQP_URI SERVICE METHOD '{"keyword": "arguments"}'

A process of its own, so that the harness (plain threads) never mixes with eventlet.
"""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402

from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402


def main(argv: list[str]) -> int:
    amqp_uri, service, method, arguments = argv
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as rpc:
        answer = getattr(getattr(rpc, service), method)(**json.loads(arguments))
    print(json.dumps(answer, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
