"""Helpers of the mirror tests: decoding pages as a crawler would and a tiny
link-following client."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urldefrag, urljoin, urlsplit

import requests
from bs4 import BeautifulSoup

from testkit.mirror.server import MirrorServer

AS_OF = date(2024, 12, 31)
LATE_DATE = date(2025, 3, 1)  # published after AS_OF
SLOW_SECONDS = 0.5


def page_encoding(response: requests.Response) -> str:
    """The charset from the header, else from the markup, else a guess between
    UTF-8 and GB18030 (the GBK portal's detail pages declare nothing)."""
    match = re.search(r"charset=([\w-]+)", response.headers.get("Content-Type", ""))
    if match:
        return match.group(1)
    match = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", response.content[:2048], re.I)
    if match:
        return match.group(1).decode("ascii")
    try:
        response.content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def page_soup(response: requests.Response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(page_encoding(response)), "lxml")


@dataclass
class CrawlResult:
    list_pages: list[str] = field(default_factory=list)
    detail_pages: dict[str, str] = field(default_factory=dict)  # url -> title (h1)
    attachments: dict[str, str] = field(default_factory=dict)  # url -> link text
    statuses: dict[str, int] = field(default_factory=dict)


def disallowed_prefixes(base_url: str) -> list[str]:
    robots = requests.get(base_url + "/robots.txt", timeout=5).text
    return [line.split(":", 1)[1].strip() for line in robots.splitlines() if line.startswith("Disallow:")]


def crawl(server: MirrorServer, portal_id: str) -> CrawlResult:
    """Follow list pages (pagination) to detail pages, collect attachment links.
    Pages only; attachments are collected, not fetched. Honours robots.txt."""
    disallowed = disallowed_prefixes(server.base_url)
    portal_root = f"{server.base_url}/{portal_id}/"
    result = CrawlResult()
    queue, seen = [server.portal_url(portal_id)], set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = requests.get(url, timeout=5)
        result.statuses[url] = response.status_code
        soup = page_soup(response)
        if soup.select_one("ul.list") is not None:
            result.list_pages.append(url)
            links = [a["href"] for a in soup.select("ul.list a, div.page a")]
        else:
            result.detail_pages[url] = soup.h1.get_text(strip=True)
            for a in soup.select("div.attachments a"):
                result.attachments[urljoin(url, a["href"])] = a.get_text(strip=True)
            links = []
        for href in links:
            target = urldefrag(urljoin(url, href)).url
            if target.startswith(portal_root) and not any(urlsplit(target).path.startswith(p) for p in disallowed):
                queue.append(target)
    return result
