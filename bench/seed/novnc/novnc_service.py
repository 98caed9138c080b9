# Stand-in for the seed's novnc_service.py (not published): a small HTTP service on port 9000 that adds a
# "token: host:port" line to the token file, as the seed's gateway registered KVM consoles.
import http.server
import urllib.parse

TOKENS = "/opt/kvm-novnc/vnc_tokens.db"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        token, target = q.get("token", [""])[0], q.get("target", [""])[0]
        if token and target:
            with open(TOKENS, "a") as f:
                f.write(f"{token}: {target}\n")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok\n")


http.server.HTTPServer(("", 9000), Handler).serve_forever()
