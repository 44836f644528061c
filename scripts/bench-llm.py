#!/usr/bin/env python3
"""Request latency of the local LLM on DocRoute's own requests.

First the requests are recorded: `docroute eval Samples/identity-unseen --pipeline identity`
runs against a recorder on loopback that keeps each chat-completions body (and answers "not
shown" for every field). Then each body is sent, one at a time, to a real llama-server, and the
wall time of each request and the server's own prompt and generation rates are reported.

    scripts/bench-llm.py                          # smollm2 and qwen, threads 1 and 2 (scripts/llm-server)
    scripts/bench-llm.py --models qwen --threads 2
    scripts/bench-llm.py --url http://127.0.0.1:8090/v1 --label native   # a server started by hand

Needs `swift build -c release` (it uses .build/release/docroute). Prints one line per
configuration and, with --json, the figures as JSON.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def record(binary, folder, limit):
    """The request bodies DocRoute sends for the documents of `folder` (at most `limit`)."""
    bodies = []

    class Recorder(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            req = json.loads(body or b"{}")
            bodies.append(req)
            schema = (req.get("response_format", {}).get("json_schema") or {}).get("schema") or {}
            answer = {f: {"quote": "", "span": 0} for f in (schema.get("properties") or {})}
            out = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": json.dumps(answer)},
                                           "finish_reason": "stop"}],
                              "usage": {"prompt_tokens": 1, "completion_tokens": 1}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/v1" % server.server_address[1]
    subprocess.run([binary, "eval", folder, "--pipeline", "identity", "--jobs", "1", "--llm-url", url,
                    "--llm-mode", "spans", "--no-llm-cache", "--json"],
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    server.shutdown()
    return bodies[:limit]


def replay(url, bodies):
    """Sends each body to `url` in turn; wall seconds and llama-server's timings per request."""
    out = []
    for body in bodies:
        data = json.dumps(body).encode()
        request = urllib.request.Request(url.rstrip("/") + "/chat/completions", data=data,
                                         headers={"Content-Type": "application/json"})
        start = time.monotonic()
        with urllib.request.urlopen(request, timeout=600) as response:
            answer = json.loads(response.read())
        seconds = time.monotonic() - start
        t = answer.get("timings") or {}
        out.append({"seconds": seconds, "prompt_n": t.get("prompt_n", 0), "prompt_ms": t.get("prompt_ms", 0.0),
                    "predicted_n": t.get("predicted_n", 0), "predicted_ms": t.get("predicted_ms", 0.0)})
    return out


def summary(label, model, threads, runs):
    secs = sorted(r["seconds"] for r in runs)
    rate = lambda n, ms: 1000.0 * sum(r[n] for r in runs) / max(sum(r[ms] for r in runs), 1e-9)
    return {"label": label, "model": model, "threads": threads, "requests": len(runs),
            "median_s": round(statistics.median(secs), 2), "max_s": round(secs[-1], 2),
            "prompt_tokens_median": int(statistics.median(r["prompt_n"] for r in runs)),
            "prompt_tok_per_s": round(rate("prompt_n", "prompt_ms"), 1),
            "completion_tokens_median": int(statistics.median(r["predicted_n"] for r in runs)),
            "gen_tok_per_s": round(rate("predicted_n", "predicted_ms"), 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["smollm2", "qwen"])
    ap.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--requests", type=int, default=6, help="requests per configuration (default 6)")
    ap.add_argument("--url", help="bench this running server instead of starting scripts/llm-server")
    ap.add_argument("--label", default="portable", help="name of the build in the output (default portable)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    binary = os.path.join(ROOT, ".build/release/docroute")
    if not os.access(binary, os.X_OK):
        sys.exit("bench-llm: build first: swift build -c release")
    bodies = record(binary, os.path.join(ROOT, "Samples/identity-unseen"), args.requests)
    if not bodies:
        sys.exit("bench-llm: docroute sent no LLM request")
    results = []
    if args.url:
        results.append(summary(args.label, "-", "-", replay(args.url, bodies)))
    else:
        for model in args.models:
            for threads in args.threads:
                env = dict(os.environ, LLM_THREADS=str(threads))
                url = subprocess.run([os.path.join(ROOT, "scripts/llm-server"), "start", model, "auto"], env=env,
                                     check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
                port = url.rsplit(":", 1)[1].split("/")[0]
                try:
                    results.append(summary(args.label, model, threads, replay(url, bodies)))
                finally:
                    subprocess.run([os.path.join(ROOT, "scripts/llm-server"), "stop", port], check=False)
    for r in results:
        print("%-9s %-16s threads %-4s %d requests: median %.2f s (max %.2f); prompt %d tokens at %.1f tok/s, "
              "completion %d tokens at %.1f tok/s" % (r["label"], r["model"], r["threads"], r["requests"], r["median_s"],
                                                      r["max_s"], r["prompt_tokens_median"], r["prompt_tok_per_s"],
                                                      r["completion_tokens_median"], r["gen_tok_per_s"]))
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
