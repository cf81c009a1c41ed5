"""``countybudget mirror serve``: the offline portal mirror, until interrupted."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from datetime import date
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    mirror = sub.add_parser("mirror", help="the offline portal mirror (docs/mirror.md)")
    actions = mirror.add_subparsers(dest="mirror_command", metavar="ACTION", required=True)
    serve = actions.add_parser("serve", help="serve the corpus as county portals on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="TCP port (0 picks a free one; default 8765)")
    serve.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="what 'today' is: later postings are not published yet (default: today)",
    )
    serve.add_argument(
        "--slow-seconds", type=float, default=5.0, help="delay of the deliberately slow attachment (default 5)"
    )
    serve.add_argument(
        "--catalogue",
        type=Path,
        action="append",
        default=None,
        help="catalogue.yml to serve (repeatable; default: corpus/catalogue.yml + corpus/real/catalogue.yml)",
    )
    serve.set_defaults(func=serve_until_interrupted)

    listing = actions.add_parser("list", help="print what the mirror publishes at an as-of (JSON lines)")
    listing.add_argument("--as-of", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD")
    listing.add_argument("--catalogue", type=Path, action="append", default=None)
    listing.set_defaults(func=print_published)


def serve_until_interrupted(args: argparse.Namespace) -> int:
    from testkit.mirror.server import MirrorServer  # keep `countybudget --help` cheap

    server = MirrorServer(port=args.port, as_of=args.as_of, slow_seconds=args.slow_seconds, catalogue=args.catalogue)
    with server.start():
        print(server.base_url, flush=True)
        for portal_id in server.shapes:
            print(f"  {portal_id:<10} {server.portal_url(portal_id)}  ({len(server.postings(portal_id))} postings)")
        for problem in server.problems:
            print(f"  not served: {problem}")
        # SIGTERM (a scheduler stopping us) ends the server like Ctrl-C does
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("mirror stopped", flush=True)
    return 0


def print_published(args: argparse.Namespace) -> int:
    from testkit.mirror.listing import published_postings
    from testkit.mirror.server import MirrorServer

    server = MirrorServer(port=0, as_of=args.as_of, catalogue=args.catalogue)  # not started: nothing listens
    for row in published_postings(server):
        print(json.dumps(row, ensure_ascii=False))
    return 0
