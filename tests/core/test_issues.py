"""An issue (cyberclaims.core.issues.Issue) is one short line, whatever its message and pointer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cyberclaims.core.issues import Issue


@settings(max_examples=30, deadline=None)
@given(message=st.text(min_size=0, max_size=5000), pointer=st.text(max_size=2000))
def test_an_issue_is_never_a_long_line(message, pointer):
    issue = Issue("annotations/x.json", 1, pointer, "json-syntax", message)
    assert len(issue.to_text()) < 2_000
