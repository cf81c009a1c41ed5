"""Page HTML of the mirror: what a government CMS prints around its content.

Pages carry the usual chrome (header, navigation, breadcrumb, footer), list
items as ``<li><a href=…>title</a><span>2024-02-05</span></li>`` and detail
pages with ``发布日期：2024-02-05`` and an attachment list. Output is
deterministic: the same postings render to the same bytes.
"""

from __future__ import annotations

from html import escape

from testkit.mirror.cms import CmsShape
from testkit.mirror.site import Portal, Posting


def _meta_charset(portal: Portal, page: str) -> str:
    # The GBK portal declares its charset in the list pages' markup only; its
    # detail pages declare nothing (and the header never does).
    if portal.encoding.lower() != "utf-8" and page == "detail":
        return ""
    return f'<meta charset="{portal.encoding}">'


def _page(shape: CmsShape, page: str, title: str, breadcrumb: list[tuple[str, str]], main: str) -> str:
    portal = shape.portal
    home = f"/{portal.id}/"
    crumbs = " &gt; ".join(
        f'<a href="{escape(href)}">{escape(label)}</a>' for label, href in [("首页", home), *breadcrumb]
    )
    search = (
        f'<a href="/{portal.id}/module/search/index.jsp?webid=1">站内搜索</a>' if shape.cms == "hanweb_jcms" else ""
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{_meta_charset(portal, page)}
<title>{escape(title)}_{escape(portal.publisher)}</title>
<meta name="SiteName" content="{escape(portal.publisher)}">
<meta name="ColumnName" content="{escape(portal.column_name)}">
</head>
<body>
<div class="header">
<div class="logo"><a href="{home}">{escape(portal.publisher)}</a></div>
<ul class="nav">
<li><a href="{home}">首页</a></li>
<li><a href="{escape(shape.list_href(1))}">{escape(portal.column_name)}</a></li>
<li><a href="{home}">政务公开</a></li>
<li><a href="{home}">互动交流</a></li>
</ul>
{search}
</div>
<div class="position">当前位置：{crumbs}</div>
<div class="main">
{main}
</div>
<div class="footer">
<p>主办单位：{escape(portal.publisher)}办公室　　地址：{escape(portal.province)}</p>
<p>网站标识码：{escape(portal.region_code)}0001　　ICP备案号：{escape(portal.province)}ICP备05001234号</p>
</div>
</body>
</html>
"""


def render_list(shape: CmsShape, postings: list[Posting], page: int, n_pages: int, total: int) -> str:
    portal = shape.portal
    items = "\n".join(
        f'<li><a href="{escape(shape.detail_link(p))}" target="_blank" title="{escape(p.title)}">'
        f"{escape(p.title)}</a><span>{p.publish_date.isoformat()}</span></li>"
        for p in postings
    )
    main = f"""<div class="column-title">{escape(portal.column_name)}</div>
<ul class="list">
{items}
</ul>
{_pagination(shape, page, n_pages, total)}"""
    return _page(shape, "list", portal.column_name, [(portal.column_name, shape.list_href(1))], main)


def _pagination(shape: CmsShape, page: int, n_pages: int, total: int) -> str:
    links = [f"<span>共{total}条　第{page}/{n_pages}页</span>"]
    if page > 1:
        links += [
            f'<a href="{escape(shape.list_href(1))}">首页</a>',
            f'<a href="{escape(shape.list_href(page - 1))}">上一页</a>',
        ]
    if page < n_pages:
        links += [
            f'<a href="{escape(shape.list_href(page + 1))}">下一页</a>',
            f'<a href="{escape(shape.list_href(n_pages))}">尾页</a>',
        ]
    return '<div class="page">' + " ".join(links) + "</div>"


def render_detail(shape: CmsShape, posting: Posting, base_url: str) -> str:
    portal = shape.portal
    text = posting.text or (
        "根据《中华人民共和国预算法》和《中华人民共和国政府信息公开条例》有关规定，"
        f"现将{posting.title.removesuffix('公开')}予以公开，详见附件。"
        if posting.kind in ("document", "fault")
        else ""
    )
    body = f"<p>{escape(text)}</p>" if text else ""
    if posting.html_body is not None:
        body += posting.html_body
    attachments = ""
    if posting.attachments:
        items = "\n".join(
            f'<li><a href="{escape(shape.attachment_link(posting, i, base_url))}">{escape(a.name)}</a></li>'
            for i, a in enumerate(posting.attachments)
        )
        attachments = f'<div class="attachments"><p>附件：</p>\n<ul>\n{items}\n</ul></div>'
    main = f"""<div class="article">
<h1>{escape(posting.title)}</h1>
<div class="info"><span>发布日期：{posting.publish_date.isoformat()}</span>　<span>来源：{escape(portal.publisher)}</span></div>
<div class="content">
{body}
</div>
{attachments}
</div>"""
    breadcrumb = [(portal.column_name, shape.list_href(1)), ("正文", shape.detail_href(posting))]
    return _page(shape, "detail", posting.title, breadcrumb, main)


def render_home(shape: CmsShape) -> str:
    portal = shape.portal
    main = f'<ul class="columns"><li><a href="{escape(shape.list_href(1))}">{escape(portal.column_name)}</a></li></ul>'
    return _page(shape, "list", portal.publisher, [], main)


def render_search(shape: CmsShape) -> str:
    return _page(shape, "list", "站内搜索", [], "<form><input name=\"q\"></form>")


def render_index(portals: list[tuple[Portal, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{escape(url)}">{escape(p.publisher)}</a> ({p.id}, {p.cms})</li>' for p, url in portals
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>countybudget portal mirror</title></head>
<body><h1>countybudget portal mirror</h1><ul>
{items}
</ul><p><a href="/robots.txt">robots.txt</a></p></body></html>
"""


def render_error(status: int, message: str) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{status}</title></head>
<body><h1>{status}</h1><p>{escape(message)}</p></body></html>
"""
