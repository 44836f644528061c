#!/usr/bin/env python3
"""An OpenAI-compatible server that misbehaves on demand, for the LLM fault tests.

Only for faults a real server cannot be made to produce when a test wants them (hangs, 500s,
garbage, oversized answers, a server rejecting json_schema). The behaviour is chosen by the
request's "model": hang, error500, flaky500 (500 then a good answer, per model name and
port), flaky429, garbage, violation, huge, empty, fenced, rejectschema, echo.

Usage: fake-llm.py PORT LOG   (PORT 0: any free port; prints "ready PORT" once listening;
each request is appended to LOG as one JSON line)
"""
import json, signal, sys, time, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts = {}
lock = threading.Lock()


def answer_for(fields):
    # A valid span-pointing answer naming no span (value 0) for each field.
    return {f: {"quote": "", "span": 0} for f in fields}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, obj=None, raw=None):
        body = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def completion(self, content):
        return {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5}}

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, {"status": "ok"})
        else:
            self.reply(404, {"error": {"message": "not found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        req = json.loads(self.rfile.read(length) or b"{}")
        model = req.get("model", "")
        with lock:
            counts[model] = counts.get(model, 0) + 1
            n = counts[model]
            entry = {"model": model, "response_format": req.get("response_format", {}).get("type"),
                     "messages": len(req.get("messages", [])), "authorization": self.headers.get("Authorization")}
            with open(sys.argv[2], "a") as log:
                log.write(json.dumps(entry) + "\n")
        schema = (req.get("response_format", {}).get("json_schema") or {}).get("schema") or {}
        fields = list((schema.get("properties") or {}).keys())
        if not fields:
            # json_object mode: the schema is in the last system message.
            text = req["messages"][-1]["content"]
            try:
                fields = list(json.loads(text[text.index("{"):])["properties"].keys())
            except Exception:
                fields = []
        base = model.split("#")[0]
        if base == "hang":
            time.sleep(30)
            self.reply(200, self.completion("{}"))
        elif base == "error500":
            self.reply(500, {"error": {"message": "internal error"}})
        elif base == "flaky500" and n == 1:
            self.reply(500, {"error": {"message": "try again"}})
        elif base == "flaky429" and n == 1:
            self.reply(429, {"error": {"message": "slow down"}})
        elif base == "garbage":
            self.reply(200, self.completion("I believe the surname is probably Smith."))
        elif base == "violation":
            self.reply(200, self.completion(json.dumps({f: {"where": "top left"} for f in fields})))
        elif base == "huge":
            self.reply(200, raw=b'{"choices": [{"message": {"content": "' + b"x" * (3 << 20) + b'"}}]}')
        elif base == "empty":
            self.reply(200, self.completion(""))
        elif base == "fenced":
            self.reply(200, self.completion("```json\n" + json.dumps(answer_for(fields)) + "\n```"))
        elif base == "rejectschema" and req.get("response_format", {}).get("type") == "json_schema":
            self.reply(400, {"error": {"message": "response_format json_schema is not supported"}})
        else:
            self.reply(200, self.completion(json.dumps(answer_for(fields))))


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that hangs up on a huge answer is the point of that test


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a parent may have set SIGTERM to ignored
    server = Server(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
    server.daemon_threads = True
    print("ready", server.server_address[1], flush=True)
    server.serve_forever()
