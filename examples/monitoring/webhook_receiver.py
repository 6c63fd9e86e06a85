"""A webhook receiver for trying alerts locally: prints every alert assay sends.

python3 examples/monitoring/webhook_receiver.py 9000
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            alert = json.loads(body)
            print(f"[{alert.get('kind', '?')}] {alert.get('message', alert.get('text'))}", flush=True)
        except ValueError:
            print(body.decode(errors="replace"), flush=True)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 9000), Handler).serve_forever()
