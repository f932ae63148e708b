"""The viewer's Jinja2 environment: the page templates in ``templates/``, autoescaped, and the few values
that are HTML on purpose.

Every value a template prints is escaped, whatever its type; a template may print markup only when it is
a :class:`markupsafe.Markup` made here (:func:`markup`, for the article text's span markup that
``spans.py`` writes, and the pages' inline CSS and script) or by another template (a macro's output).
The escaping is the one ``spans.escape`` does (``html.escape(str(value), quote=True)``), applied through
the environment's ``finalize``, so that a page's bytes do not depend on which of the two escaped a value
(autoescaping alone would write ``&#34;`` and ``&#39;`` where ``html.escape`` writes ``&quot;`` and
``&#x27;``). ``StrictUndefined``: a name a template uses that its page does not pass is an error, never
an empty string.

The templates are package files, loaded through ``importlib.resources`` (they work from a wheel), and
part of the render state's code fingerprint (every file under ``viewer/`` is).
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup

from ..core.vocabulary import is_key
from .names import ENTITIES, INDEX, PROPOSITIONS, list_name
from .spans import escape, label_color

GENERATOR = '<meta name="generator" content="cyberclaims render">'  # marks the pages this tool wrote


def short(value: Any, limit: int = 70) -> str:
    """``value`` on one line, cut to ``limit`` characters with an ellipsis."""
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def markup(html: str) -> Markup:
    """``html`` printed as it is. Only for markup this package made with every value in it escaped."""
    return Markup(html)


def _finalize(value: Any) -> Any:
    # Runs on every printed value before autoescaping, which leaves the Markup it returns as it is.
    return value if hasattr(value, "__html__") else Markup(escape(value))


@functools.cache
def _static(name: str) -> Markup:
    """The text of ``static/<name>``, read once (only rendering needs it, not importing the module).

    The page's CSS and script are inlined into every page so that a page needs no other file; their bytes
    are the pages' bytes: a trailing newline added to either changes every page."""
    return markup(files("cyberclaims.viewer").joinpath(f"static/{name}").read_text(encoding="utf-8"))


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cyberclaims.viewer", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,  # a page ends with a newline, as the template does
        auto_reload=False,
    )
    env.filters["color"] = label_color
    env.filters["short"] = short
    env.tests["key"] = is_key  # a well-formed registry key: it has a page
    env.tests["list"] = lambda value: isinstance(value, list)  # a JSON array (``sequence`` is true of a string)
    env.globals["generator_line"] = markup(GENERATOR)
    # The pages' names (names.py), for the links between them.
    env.globals.update(INDEX=INDEX, PROPOSITIONS=PROPOSITIONS, ENTITIES=ENTITIES, list_name=list_name)
    return env


def render(template: str, **context: Any) -> str:
    """The page (or part) ``template`` with ``context``; the CSS and script are there for every page."""
    return environment().get_template(template).render(css=_static("viewer.css"), js=_static("viewer.js"), **context)
