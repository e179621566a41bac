"""Reference for bench/reward-server.ts: a minimal OpenRLHF remote reward server in CPython.

http.server (threaded, HTTP/1.1 keep-alive) + difflib, the same protocol and reward as
`srl serve reward step-similarity --options '{"format":"plain"}'`: POST / with
{query, prompts, labels}; the response is the query after its prompt, end/pad tokens stripped;
reward = SequenceMatcher(None, response, label).ratio().
Usage: python3 bench/reward-server.py PORT   (prints "listening on http://127.0.0.1:PORT")
"""
import json
import sys
from difflib import SequenceMatcher
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STRIP = ["<|endoftext|>", "<|im_end|>", "<|eot_id|>", "<|end_of_text|>", "<|end|>", "</s>", "<eos>", "<pad>"]


def response_of(query, prompt):
    at = query.find(prompt)
    if at < 0:
        raise ValueError("query does not contain its prompt")
    response = query[at + len(prompt):]
    stripped = True
    while stripped:
        stripped = False
        for s in STRIP:
            if response.endswith(s):
                response = response[: -len(s)]
                stripped = True
    return response


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
            rewards = [SequenceMatcher(None, response_of(q, p), l).ratio() for q, p, l in zip(body["query"], body["prompts"], body["labels"])]
        except (ValueError, KeyError, TypeError) as e:
            return self.send_json(400, {"error": {"message": str(e)}})
        self.send_json(200, {"rewards": rewards, "scores": rewards, "extra_logs": {"similarity": rewards}})


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
