#!/usr/bin/env python3
"""Prints a report.json with what differs from run to run removed: timings, timestamps, the
embedded server's port, and ids or versions the server derives from the clock. Two runs of the
same binary on the same suites give the same output; a refactor must too.

    python3 harness/devtools/scripts/normalize-report.py [--no-bodies] OUT/report.json

--no-bodies also drops response bodies and Content-Length: tests that create resources run
concurrently with searches, so what a search returns can differ between two runs of one binary.
"""
import json
import re
import sys

TIMING_KEYS = {"started_at", "finished_at", "duration_ms", "elapsed_ms", "time_ms"}
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")
PORT = re.compile(r"127\.0\.0\.1:\d+")
GENERATED_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def scrub_text(text):
    text = TIMESTAMP.sub("<timestamp>", text)
    text = HTTP_DATE.sub("<date>", text)
    text = PORT.sub("127.0.0.1:<port>", text)
    return GENERATED_ID.sub("<uuid>", text)


NO_BODIES = "--no-bodies" in sys.argv[1:]


def scrub(value):
    if isinstance(value, dict):
        if NO_BODIES and "status" in value and "body" in value and "headers" in value:
            value = {k: v for k, v in value.items() if k != "body"}
            value["headers"] = [h for h in value["headers"] if h[0].lower() != "content-length"]
        return {k: scrub(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


path = [a for a in sys.argv[1:] if not a.startswith("--")][0]
json.dump(scrub(json.load(open(path))), sys.stdout, indent=1, sort_keys=True)
print()
