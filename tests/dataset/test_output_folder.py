"""build --output and --withhold-text replace only a folder a build made: anything else is refused (exit 2) and
left as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import cli, tree


@pytest.mark.parametrize("option", ["--output", "--withhold-text"])
def test_build_never_replaces_a_folder_it_did_not_make(mini: Path, option: str):
    from cyberclaims.dataset.build import OutputFolderError, check_output_folder

    mine = mini / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own notes", encoding="utf-8")
    before = tree(mini)
    for target in ("mine", "."):  # the command: exit 2, a message naming the folder, nothing touched
        run = cli("build", option, target, cwd=mini) if option == "--output" else cli("build", option, target, cwd=mini)
        assert run.returncode == 2, (target, run.output)
        assert "error:" in run.stderr and f"output {target} " in run.stderr
        assert tree(mini) == before, target
    for target in ("annotations", "mine", ".", "..", "annotations/new", "/"):  # the check the command makes
        with pytest.raises(OutputFolderError):
            check_output_folder(mini, mini / target if not target.startswith("/") else Path(target))
    assert tree(mini) == before
    assert sorted(p.name for p in mini.iterdir()) == ["annotations", "mine"]


def test_build_replaces_its_own_output_but_not_once_a_user_file_is_in_it(mini: Path):
    assert cli("build", "--output", "copy", cwd=mini).returncode == 0
    assert cli("build", "--output", "copy", cwd=mini).returncode == 0  # a build made it
    (mini / "copy" / "mine.txt").write_text("kept", encoding="utf-8")
    run = cli("build", "--output", "copy", cwd=mini)
    assert run.returncode == 2 and "mine.txt" in run.stderr
    assert (mini / "copy" / "mine.txt").read_text(encoding="utf-8") == "kept"
    (mini / "empty").mkdir()
    assert cli("build", "--output", "empty", cwd=mini).returncode == 0
    (mini / "a-file").write_text("x", encoding="utf-8")
    assert cli("build", "--output", "a-file", cwd=mini).returncode == 2
    assert (mini / "a-file").read_text(encoding="utf-8") == "x"
