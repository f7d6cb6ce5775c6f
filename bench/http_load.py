"""A small closed-loop HTTP load tool: N keep-alive connections, each asking one URL again and again.

``python bench/http_load.py URL --connections 16 --duration 10 [--header 'Name: value']``
prints one JSON object: requests, errors (non-2xx or broken), requests/s, p50/p90/p99
latency in ms. Each connection is a thread with its own ``http.client`` connection;
a request is timed from sending to the end of the body. It runs in a process of its
own and uses CPU on the same machine as the server it measures.
"""
import argparse
import http.client
import json
import math
import sys
import threading
import time
from urllib.parse import urlsplit


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1] if ordered else math.nan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of unmeasured requests first")
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args(argv)
    parts = urlsplit(args.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = dict(h.split(":", 1) for h in args.header)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    latencies: list[list[float]] = [[] for _ in range(args.connections)]
    errors = [0] * args.connections
    start_at = time.monotonic() + args.warmup
    stop_at = start_at + args.duration

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while True:
            began = time.monotonic()
            if began >= stop_at:
                break
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 300
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            ended = time.monotonic()
            if began >= start_at and ended <= stop_at:
                if ok:
                    latencies[index].append(ended - began)
                else:
                    errors[index] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = [value for values in latencies for value in values]
    print(json.dumps({
        "requests": len(done), "errors": sum(errors), "connections": args.connections,
        "duration_s": args.duration, "requests_per_s": len(done) / args.duration,
        "p50_ms": percentile(done, 50) * 1000, "p90_ms": percentile(done, 90) * 1000,
        "p99_ms": percentile(done, 99) * 1000}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
