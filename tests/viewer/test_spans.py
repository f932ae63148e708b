"""The viewer's placement of labels on the text (cyberclaims.viewer.spans), on an article with many mentions."""

from __future__ import annotations


def test_the_viewer_places_many_mentions():
    from cyberclaims.viewer.spans import ArticleView

    n = 30_000
    text = "ab-" * n
    data = {
        "segments": [{"start": 0, "end": len(text), "kind": "body"}],
        "claims": [],
        "entities": [{"id": f"m{i}", "start": 3 * i, "end": 3 * i + 2, "label": "CARDINAL"} for i in range(n)],
    }
    view = ArticleView.build(data, text)
    view.html({})
    assert view.anchors[("entities", n - 1)] == f"mention-m{n - 1}"
