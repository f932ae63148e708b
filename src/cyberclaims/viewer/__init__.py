"""The viewer: static, self-contained HTML pages that show each article with its labels, a page per
proposition and per entity, and paginated lists.

``render_site`` writes the pages (``cyberclaims render --out site``; not part of ``dataset/``). Its modules,
each using only those before it:

- ``spans``: where one article's spans go in its text, and the text's HTML with every span wrapped;
- ``state``: the record a render keeps in the output folder, so that a second one writes only the pages
  whose inputs changed;
- ``templating``: the Jinja2 environment (autoescaped, strict) over the page templates in ``templates/``;
- ``names``: what the pages are called;
- ``site_data``: what the pages need, gathered from the validated corpus, and what each page is made from;
- ``pages``: each kind of page, from that and its template;
- ``site``: ``render_site``, which writes the pages that are not up to date and removes those that went.

The templates, and the pages' CSS and script (``static/``), are package data. The viewer reads only
``cyberclaims.core`` (and the package version).
"""

from .site import RenderError, RenderResult, render_site
from .spans import LABEL_COLORS, ArticleView

__all__ = ["LABEL_COLORS", "ArticleView", "RenderError", "RenderResult", "render_site"]
