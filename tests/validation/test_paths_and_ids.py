"""What validate checks is what it says it checked: a path outside the repository is refused, not replaced by its
namesake; an id with a newline is no id."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli


def test_validate_elsewhere_refuses_instead_of_checking_the_namesake(mini, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "acme-breach.json").write_text("{", encoding="utf-8")  # broken; the namesake is valid
    run = run_cli("--root", mini, "validate", elsewhere / "acme-breach.json", cwd=tmp_path)
    assert run.returncode == 2 and "elsewhere" in run.stderr and "not in" in run.stderr
    run = run_cli("--root", mini, "validate", elsewhere, cwd=tmp_path)
    assert run.returncode == 2
    (mini / "annotations" / "README.md").write_text("docs", encoding="utf-8")
    run = run_cli("--root", mini, "validate", mini / "annotations" / "README.md", cwd=tmp_path)
    assert run.returncode == 2 and "neither" in run.stderr
    run = run_cli("--root", mini, "validate", mini / "annotations" / "acme-breach.json", cwd=tmp_path)
    assert run.returncode == 0, run.output


@pytest.mark.parametrize("bad", ["acme-breach\n", "acme-breach\r", "\nacme-breach"])
def test_an_id_with_a_newline_is_refused_everywhere(bad):
    from cyberclaims.core.vocabulary import ARTICLE_ID, is_key, is_license

    assert not ARTICLE_ID.fullmatch(bad)
    assert not is_key("acme_corp\n") and not is_license("MIT\n")


def test_an_annotation_id_with_a_trailing_newline_is_a_schema_error(mini):
    path = mini / "annotations" / "acme-breach.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["id"] = "acme-breach\n"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    run = run_cli("--root", mini, "validate", "--format", "json", cwd=mini)
    assert run.returncode == 1
    assert "schema-pattern" in {i["code"] for i in json.loads(run.stdout)["issues"]}
