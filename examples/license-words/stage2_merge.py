#!/usr/bin/env python3
"""Stage 2 of the license-words workflow, in Python over HTTP/JSON.

Claims "merge-counts" tasks of queue "licenses" as worker "py-stage2",
adds each task's word counts to a running total, completes the task under
its claim token and, once nothing is waiting, writes the result as JSON:

    {"files": 19, "total_words": ..., "distinct_words": ...,
     "top": [{"word": "the", "count": ...}, ...], "paths": [...]}

    python3 examples/license-words/stage2_merge.py OUTPUT.json \
        [--server URL] [--top N] [--idle-exit SECONDS]

Only the standard library is used: the server speaks the Connect protocol,
so an RPC is a POST of a JSON object to {server}/{service}/{method}.
In that JSON, fields are lowerCamelCase, int64 values are strings and
bytes are base64. This worker does not tokenize; it only merges.
"""

import argparse
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections import Counter

SERVICE = "corndogs.v1alpha1.CorndogsService"
QUEUE = "licenses"
MERGE_STATE = "merge-counts"
WORKER_ID = "py-stage2"
DEFAULT_SERVER = "http://localhost:5080"
POLL_SECONDS = 0.2


class CorndogsError(Exception):
    """An RPC failed; the message carries the Connect code and message."""


def call(server, method, request):
    """Calls one CorndogsService RPC and returns the decoded response."""
    http_request = urllib.request.Request(
        f"{server.rstrip('/')}/{SERVICE}/{method}",
        data=json.dumps(request).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Connect-Protocol-Version": "1",
        },
    )
    try:
        with urllib.request.urlopen(http_request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        raise CorndogsError(describe_error(method, error)) from None


def describe_error(method, error):
    """Turns a Connect error response into one readable line."""
    try:
        detail = json.load(error)
        return f"{method}: {detail.get('code')}: {detail.get('message')}"
    except ValueError:
        return f"{method}: HTTP {error.code} {error.reason}"


def claim(server):
    """Claims the next waiting stage-2 task; None when nothing waits."""
    response = call(
        server,
        "GetNextTask",
        {"queue": QUEUE, "currentState": MERGE_STATE, "workerId": WORKER_ID},
    )
    return response.get("task")


def guard(task):
    """The fields that name a claimed task in complete and cancel."""
    return {
        "uuid": task["uuid"],
        "queue": task["queue"],
        "currentState": task["currentState"],
        "claimToken": task["claimToken"],
    }


def decode_payload(task):
    """Returns (path, counts) from a task's base64 JSON payload."""
    payload = json.loads(base64.b64decode(task.get("payload", "")))
    path, counts = payload["path"], payload["counts"]
    if not isinstance(path, str) or not isinstance(counts, dict):
        raise ValueError('payload needs a string "path" and a "counts" object')
    if not all(type(n) is int and n > 0 for n in counts.values()):
        raise ValueError("every count must be a positive integer")
    return path, counts


class Totals:
    """The running total of every file merged so far."""

    def __init__(self):
        self.counts = Counter()
        self.paths = []

    def add(self, path, counts):
        """Adds one file's counts."""
        self.counts.update(counts)
        self.paths.append(path)

    def summary(self, top):
        """The result: sizes, the `top` most frequent words, the paths."""
        ranked = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return {
            "files": len(self.paths),
            "total_words": sum(self.counts.values()),
            "distinct_words": len(self.counts),
            "top": [{"word": w, "count": n} for w, n in ranked[:top]],
            "paths": sorted(self.paths),
        }


def handle(server, task, totals):
    """Merges one claimed task and completes it; cancels it if malformed.

    The counts are added only once the completion succeeded, so a task
    whose completion fails is not counted (its lease gives it back).
    """
    try:
        path, counts = decode_payload(task)
    except (ValueError, KeyError, TypeError) as error:
        print(f"canceling task {task['uuid']}: {error}", file=sys.stderr)
        call(server, "CancelTask", guard(task))
        return
    call(server, "CompleteTask", guard(task))
    totals.add(path, counts)
    print(f"merged {path}: {sum(counts.values())} words", file=sys.stderr)


def work(server, idle_exit_seconds):
    """Merges tasks until none has been waiting for `idle_exit_seconds`."""
    totals = Totals()
    idle_since = time.monotonic()
    while True:
        task = claim(server)
        if task is None:
            if time.monotonic() - idle_since >= idle_exit_seconds:
                return totals
            time.sleep(POLL_SECONDS)
            continue
        handle(server, task, totals)
        idle_since = time.monotonic()


def write_json(path, value):
    """Writes `value` to `path` atomically (a temporary file, renamed)."""
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(value, file, indent=2)
        file.write("\n")
    os.replace(temporary, path)


def parse_args(argv):
    """Parses the command line; the server defaults to CORNDOGS_SERVER."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="where to write the result JSON")
    parser.add_argument(
        "--server",
        default=os.environ.get("CORNDOGS_SERVER", DEFAULT_SERVER),
        help=f"API URL (default: $CORNDOGS_SERVER, else {DEFAULT_SERVER})",
    )
    parser.add_argument("--top", type=int, default=25, help="words to list")
    parser.add_argument(
        "--idle-exit",
        type=float,
        default=0.0,
        help="seconds to keep polling with nothing waiting (default 0)",
    )
    args = parser.parse_args(argv)
    if args.top < 0 or args.idle_exit < 0:
        parser.error("--top and --idle-exit must not be negative")
    return args


def main(argv):
    args = parse_args(argv)
    try:
        totals = work(args.server, args.idle_exit)
    except (CorndogsError, urllib.error.URLError) as error:
        sys.exit(f"{WORKER_ID}: {error}")
    write_json(args.output, totals.summary(args.top))
    print(
        f"{WORKER_ID}: merged {len(totals.paths)} file(s) into {args.output}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
