"""The viewer: static, self-contained HTML pages that show each article with its labels, a page per
proposition and per entity, and paginated lists.

``render_site`` writes the pages (``cyberclaims render --out site``; not part of ``dataset/``). The
package has three modules: ``spans`` places one article's spans in its text and writes the text's HTML;
``site`` gathers what the pages need from the validated corpus and writes the pages; ``state`` is the
record it keeps in the output folder, so that a second render writes only the pages whose inputs changed.
The pages' CSS and script are package data in ``static/``. The viewer reads only ``cyberclaims.core`` (and the package version).
"""

from .site import RenderError, RenderResult, render_site
from .spans import LABEL_COLORS, ArticleView

__all__ = ["LABEL_COLORS", "ArticleView", "RenderError", "RenderResult", "render_site"]
