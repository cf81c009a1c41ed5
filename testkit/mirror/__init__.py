"""The offline portal mirror: county government portals served from the corpus.

``MirrorServer`` (``server.py``) serves every portal of ``sites.yml`` on one
HTTP server on 127.0.0.1; ``site.py`` decides what each portal publishes,
``cms.py`` where (each CMS shape's URLs), ``render.py`` how (page HTML).
See docs/mirror.md.
"""
