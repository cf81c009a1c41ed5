"""What the mirror publishes at its as-of, as plain rows: the answer key a
crawler's tests compare against (``countybudget mirror list``)."""

from __future__ import annotations

import hashlib
from typing import Any

from testkit.mirror.server import MirrorServer


def published_postings(server: MirrorServer) -> list[dict[str, Any]]:
    """One row per visible posting of every portal, newest first per portal.
    URLs are paths (prepend ``server.base_url``); sha256 is that of the bytes
    served, null for attachments that never arrive (the not_found fault)."""
    rows = []
    for portal_id, shape in server.shapes.items():
        for posting in server.postings(portal_id):
            rows.append(
                {
                    "portal": portal_id,
                    "kind": posting.kind,
                    "fault": posting.fault,
                    "publish_date": posting.publish_date.isoformat(),
                    "title": posting.title,
                    "document_id": posting.document_id,
                    "detail_path": shape.detail_href(posting),
                    "attachments": [
                        {
                            "path": shape.attachment_href(posting, index),
                            "name": attachment.name,
                            "format": attachment.format,
                            "sha256": None
                            if attachment.fault == "not_found"
                            else hashlib.sha256(attachment.read()).hexdigest(),
                        }
                        for index, attachment in enumerate(posting.attachments)
                    ],
                }
            )
    return rows
