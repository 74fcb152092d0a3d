#!/usr/bin/env python3
"""Peak memory of a Lambda binary handling one event: starts the binary against a fake Lambda
Runtime API that hands it EVENT_FILE once, waits for its response, then reads the process's
peak resident set (VmHWM in /proc/PID/status) before stopping it.

usage: peak_rss.py [--env-file F] [--env K=V ...] [--runs N] BINARY EVENT_FILE
Prints one line: median peak RSS (MiB), median handling time (ms), and the response of the
first run (so a failed batch is not mistaken for a light one)."""
import argparse, http.server, json, os, statistics, subprocess, threading, time


class Runtime(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        srv = self.server
        if not self.path.endswith("/runtime/invocation/next"):
            self.send_error(404)
            return
        if srv.served:
            time.sleep(30)  # no second event: the process is stopped before this returns
            return
        srv.served = True
        body = srv.event
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60_000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn",
                         "arn:aws:lambda:eu-west-3:000000000000:function:bench")
        self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        srv.t_sent = time.perf_counter()

    def do_POST(self):
        srv = self.server
        length = int(self.headers.get("Content-Length", 0))
        srv.response = (self.path.rsplit("/", 1)[-1], self.rfile.read(length).decode())
        srv.t_done = time.perf_counter()
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()
        srv.done.set()

    def log_message(self, *a):
        pass


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def one(binary, event, extra_env):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Runtime)
    srv.event, srv.served, srv.done, srv.response = event, False, threading.Event(), None
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    env = dict(os.environ)
    env.update({
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{srv.server_address[1]}",
        "AWS_LAMBDA_FUNCTION_NAME": "bench", "AWS_LAMBDA_FUNCTION_VERSION": "1",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
    })
    env.update(extra_env)
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    finished = srv.done.wait(60)
    rss = peak_rss_kib(process.pid) if finished and process.poll() is None else None
    process.kill()
    _, stderr = process.communicate()
    srv.shutdown()
    if not finished:
        raise SystemExit(f"{binary} did not answer the event:\n{stderr.decode()[-2000:]}")
    return rss, (srv.t_done - srv.t_sent) * 1000, srv.response


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--env-file")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("binary")
    ap.add_argument("event")
    a = ap.parse_args()
    extra = {}
    if a.env_file:
        with open(a.env_file) as f:
            extra = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    extra.update(kv.split("=", 1) for kv in a.env)
    with open(a.event, "rb") as f:
        event = f.read()
    runs = [one(a.binary, event, extra) for _ in range(a.runs)]
    rss = [r for r, _, _ in runs if r is not None]
    if not rss:
        raise SystemExit("the process ended before its memory could be read")
    kind, body = runs[0][2]
    print(f"{os.path.basename(a.binary)}: peak RSS {statistics.median(rss) / 1024:.1f} MiB  "
          f"handling {statistics.median([t for _, t, _ in runs]):.0f} ms  runs {len(runs)}  "
          f"{kind}: {body[:200]}")


if __name__ == "__main__":
    main()
