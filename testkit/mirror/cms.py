"""Where things live on each kind of government CMS the mirror imitates.

One class per CMS shape; each knows its list-page, detail-page and attachment
URLs. Every id in a URL derives from the posting's stable key, so URLs are the
same on every run. ``href`` values are root-relative (``/portal/...``) and
percent-encoded, exactly as a client requests them; ``*_link`` values are what
the page HTML writes (relative, root-relative or absolute, as the real CMS does).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from testkit.mirror.site import Attachment, Portal, Posting

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def stable_number(*parts: str, digits: int) -> int:
    """A number of exactly ``digits`` digits derived from ``parts`` (no randomness)."""
    digest = int(hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest(), 16)
    low = 10 ** (digits - 1)
    return low + digest % (9 * low)


class CmsShape:
    """The URL scheme of one portal. Subclasses fill in the CMS-specific parts."""

    cms = ""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.root = f"/{portal.id}/"

    def _number(self, posting: Posting, what: str, digits: int) -> int:
        return stable_number(self.portal.id, posting.key, what, digits=digits)

    # list pages (page numbers start at 1)
    def list_href(self, page: int) -> str:
        raise NotImplementedError

    def list_page(self, path: str, query: dict[str, str]) -> int | None:
        """The list page number ``path``+``query`` asks for, or None if it is not a list page."""
        raise NotImplementedError

    # detail pages
    def detail_href(self, posting: Posting) -> str:
        raise NotImplementedError

    def detail_link(self, posting: Posting) -> str:
        return self.detail_href(posting)

    # attachments
    def attachment_href(self, posting: Posting, index: int) -> str:
        raise NotImplementedError

    def attachment_link(self, posting: Posting, index: int, base_url: str) -> str:
        return self.attachment_href(posting, index)

    def attachment_content_type(self, attachment: Attachment) -> str:
        return CONTENT_TYPES.get(attachment.format, "application/octet-stream")

    def attachment_headers(self, posting: Posting, index: int) -> list[tuple[str, str]]:
        return []


def _page_param(query: dict[str, str], name: str) -> int | None:
    value = query.get(name, "1")
    return int(value) if value.isdigit() and int(value) >= 1 else None


class TrsWcm(CmsShape):
    """TRS WCM: static files. ``index.html``, ``index_1.html`` …; detail
    ``202402/t20240205_1234567.html`` and attachment ``./P0….pdf`` beside it."""

    cms = "trs_wcm"

    def __init__(self, portal: Portal) -> None:
        super().__init__(portal)
        self.column = portal.options["column"]

    def list_href(self, page: int) -> str:
        return f"{self.column}index.html" if page == 1 else f"{self.column}index_{page - 1}.html"

    def list_page(self, path: str, query: dict[str, str]) -> int | None:
        if path in (self.column, f"{self.column}index.html"):
            return 1
        match = re.fullmatch(re.escape(self.column) + r"index_(\d+)\.html", path)
        return int(match.group(1)) + 1 if match and int(match.group(1)) >= 1 else None

    def _folder(self, posting: Posting) -> str:
        return f"{self.column}{posting.under}{posting.publish_date:%Y%m}/"

    def detail_href(self, posting: Posting) -> str:
        number = self._number(posting, "detail", 7)
        return f"{self._folder(posting)}t{posting.publish_date:%Y%m%d}_{number}.html"

    def detail_link(self, posting: Posting) -> str:
        return "./" + self.detail_href(posting).removeprefix(self.column)

    def _attachment_file(self, posting: Posting, index: int) -> str:
        number = self._number(posting, f"attachment{index}", 12)
        fmt = posting.attachments[index].format
        return f"P0{posting.publish_date:%Y%m%d}{number}.{fmt}"

    def attachment_href(self, posting: Posting, index: int) -> str:
        return self._folder(posting) + self._attachment_file(posting, index)

    def attachment_link(self, posting: Posting, index: int, base_url: str) -> str:
        return "./" + self._attachment_file(posting, index)


class AnhuiGkpt(CmsShape):
    """Anhui 政务公开 platform: query-string list pages, numeric detail pages,
    attachments as absolute URLs with the (percent-encoded) Chinese file name."""

    cms = "anhui_gkpt"

    def __init__(self, portal: Portal) -> None:
        super().__init__(portal)
        self.site_id = portal.options["site_id"]
        self.cat_id = portal.options["cat_id"]
        self.column_path = f"/{portal.id}/public/column/{self.site_id}"

    def list_href(self, page: int) -> str:
        href = f"{self.column_path}?type=4&catId={self.cat_id}&action=list"
        return href if page == 1 else f"{href}&page={page}"

    def list_page(self, path: str, query: dict[str, str]) -> int | None:
        if path != self.column_path or query.get("catId") != self.cat_id or query.get("action") != "list":
            return None
        return _page_param(query, "page")

    def detail_href(self, posting: Posting) -> str:
        return f"/{self.portal.id}/public/{self.site_id}/{self._number(posting, 'detail', 8)}.html"

    def attachment_href(self, posting: Posting, index: int) -> str:
        folder = self._number(posting, f"attachment{index}", 4)
        name = quote(posting.attachments[index].name, safe="")
        return f"/{self.portal.id}/group1/M00/{folder // 100:02X}/{folder % 100:02X}/{name}"

    def attachment_link(self, posting: Posting, index: int, base_url: str) -> str:
        return base_url + self.attachment_href(posting, index)


class HanwebJcms(CmsShape):
    """Hanweb JCMS: ``col/col1234/index.html?uid=…&pageNum=2``; attachments through
    a download servlet whose ``filename=`` extension is not to be trusted."""

    cms = "hanweb_jcms"

    def __init__(self, portal: Portal) -> None:
        super().__init__(portal)
        self.col_id = portal.options["col_id"]
        self.uid = portal.options["uid"]
        self.column_path = f"/{portal.id}/col/col{self.col_id}/index.html"

    def list_href(self, page: int) -> str:
        return self.column_path if page == 1 else f"{self.column_path}?uid={self.uid}&pageNum={page}"

    def list_page(self, path: str, query: dict[str, str]) -> int | None:
        return _page_param(query, "pageNum") if path == self.column_path else None

    def detail_href(self, posting: Posting) -> str:
        day = posting.publish_date
        number = self._number(posting, "detail", 5)
        return f"/{self.portal.id}/art/{day.year}/{day.month}/{day.day}/art_{self.col_id}_{number}.html"

    def servlet_filename(self, posting: Posting, index: int) -> str:
        """``<10 digits>.<ext>``: the extension is the real one for about half
        the files and a wrong one for the rest, as on the real servlet."""
        number = self._number(posting, f"attachment{index}", 10)
        real = posting.attachments[index].format
        shown = real if number % 2 == 0 else ("pdf" if real == "xlsx" else "xlsx")
        return f"{number}.{shown}"

    def attachment_href(self, posting: Posting, index: int) -> str:
        filename = self.servlet_filename(posting, index)
        return f"/{self.portal.id}/module/download/downfile.jsp?classid=0&filename={filename}"

    def attachment_content_type(self, attachment: Attachment) -> str:
        return "application/octet-stream"

    def attachment_headers(self, posting: Posting, index: int) -> list[tuple[str, str]]:
        # the servlet names the download after its (unreliable) filename parameter
        return [("Content-Disposition", f'attachment; filename="{self.servlet_filename(posting, index)}"')]


class Gkmlpt(CmsShape):
    """The Guangdong 政府信息公开目录 platform (gkmlpt): ``index?page=2``,
    ``content/9/9876/post_9876543.html``, attachments under ``/attachment/``."""

    cms = "gkmlpt"

    def __init__(self, portal: Portal) -> None:
        super().__init__(portal)
        self.index_path = f"/{portal.id}/gkmlpt/index"

    def list_href(self, page: int) -> str:
        return self.index_path if page == 1 else f"{self.index_path}?page={page}"

    def list_page(self, path: str, query: dict[str, str]) -> int | None:
        return _page_param(query, "page") if path == self.index_path else None

    def detail_href(self, posting: Posting) -> str:
        number = str(self._number(posting, "detail", 7))
        return f"/{self.portal.id}/gkmlpt/content/{number[0]}/{number[:4]}/post_{number}.html"

    def attachment_href(self, posting: Posting, index: int) -> str:
        folder = str(self._number(posting, f"folder{index}", 7))
        number = self._number(posting, f"attachment{index}", 7)
        fmt = posting.attachments[index].format
        return f"/{self.portal.id}/attachment/{folder[0]}/{folder[:4]}/{folder}/{number}.{fmt}"


CMS_SHAPES: dict[str, type[CmsShape]] = {
    shape.cms: shape for shape in (TrsWcm, AnhuiGkpt, HanwebJcms, Gkmlpt)
}


def shape_for(portal: Portal) -> CmsShape:
    try:
        return CMS_SHAPES[portal.cms](portal)
    except KeyError:
        raise ValueError(f"portal {portal.id}: unknown cms {portal.cms!r}; known: {sorted(CMS_SHAPES)}") from None
