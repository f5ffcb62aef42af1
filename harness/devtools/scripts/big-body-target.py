#!/usr/bin/env python3
"""A hostile FHIR target for memory measurements: every request is answered with the same
searchset Bundle of just under 32 MiB (the most `assure` reads of one body).

Usage: big-body-target.py PORT   (listens on 127.0.0.1:PORT; Ctrl-C to stop)
Then:  /usr/bin/time -f '%M KB %e s' assure run --target http://127.0.0.1:PORT/fhir --no-progress
"""
import json
import sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

LIMIT = 32 * 1024 * 1024 - 4096


def bundle() -> bytes:
    entry = {
        "fullUrl": "http://127.0.0.1/fhir/Patient/p",
        "resource": {
            "resourceType": "Patient",
            "id": "p",
            "name": [{"family": "Jones", "given": ["Amelia", "Rose"]}],
            "gender": "female",
            "birthDate": "1970-01-01",
            "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"}],
        },
        "search": {"mode": "match"},
    }
    compact = {"separators": (",", ":")}
    one = len(json.dumps(entry, **compact)) + 1
    count = (LIMIT - 200) // one
    body = {"resourceType": "Bundle", "type": "searchset", "total": count, "entry": [entry] * count}
    return json.dumps(body, **compact).encode()


BODY = bundle()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = answer

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
