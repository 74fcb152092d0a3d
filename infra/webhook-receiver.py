"""A webhook receiver that verifies each request with the Standard Webhooks reference library
(`standardwebhooks` from PyPI, pinned in infra/requirements-test.txt): nobody at Rappel wrote
the check it makes. Used by tests/local/tests/local/webhooks.rs.

Prints its port on the first line of stdout, then serves on 127.0.0.1:
  POST /hook          a webhook: verified against the secrets set (401 if no secret verifies
                      it), answered 503 while "down" or for the next `fail` requests, else 204
  POST /_secrets      {"secrets": ["whsec_…", …]}: the secrets to verify with
  POST /_mode         {"down": bool, "fail": n}: refuse every request / the next n ones
  GET  /_received     {"accepted": [{"id", "type", "attempts"}…], "refused": n, "unverified": n}
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

state = {"secrets": [], "down": False, "fail": 0, "accepted": [], "attempts": {},
         "refused": 0, "unverified": 0}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_received":
            accepted = [dict(e, attempts=state["attempts"].get(e["id"], 0)) for e in state["accepted"]]
            self.answer(200, {"accepted": accepted, "refused": state["refused"],
                              "unverified": state["unverified"]})
        else:
            self.answer(404)

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length).decode()
        if self.path == "/_secrets":
            state["secrets"] = json.loads(body)["secrets"]
            return self.answer(204)
        if self.path == "/_mode":
            mode = json.loads(body)
            state["down"] = bool(mode.get("down", False))
            state["fail"] = int(mode.get("fail", 0))
            return self.answer(204)
        if self.path != "/hook":
            return self.answer(404)
        headers = {k.lower(): v for k, v in self.headers.items()}
        msg_id = headers.get("webhook-id", "")
        state["attempts"][msg_id] = state["attempts"].get(msg_id, 0) + 1
        if state["down"] or state["fail"] > 0:
            state["fail"] = max(0, state["fail"] - 1)
            state["refused"] += 1
            return self.answer(503)
        event = None
        for secret in state["secrets"]:
            try:
                event = Webhook(secret).verify(body, headers)
                break
            except WebhookVerificationError:
                continue
        if event is None:
            state["unverified"] += 1
            return self.answer(401)
        if event["id"] != msg_id:
            state["unverified"] += 1
            return self.answer(400)
        if all(e["id"] != msg_id for e in state["accepted"]):
            state["accepted"].append({"id": msg_id, "type": event["type"],
                                      "key": (event.get("message") or {}).get("key")})
        return self.answer(204)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
