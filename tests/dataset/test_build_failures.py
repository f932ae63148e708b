"""A build that cannot run says why and leaves nothing: another build of the same output holds the lock, the file
system refuses (disk full, permission denied, read-only), the output cannot be made."""

from __future__ import annotations

import pytest

from conftest import run_cli, run_process


@pytest.mark.slow
def test_a_second_build_on_the_same_output_is_refused(mini):
    from cyberclaims.dataset.build import BuildError, build, build_lock

    output = mini / "dataset"
    with build_lock(output):  # held by this process: the command in another process is refused
        run = run_process("--root", mini, "build", cwd=mini)
        assert run.returncode == 1 and "another build is running" in run.stderr
        with pytest.raises(BuildError, match="another build is running"):
            build(mini, output, show_progress=False)
    assert not output.exists()  # the refused builds touched nothing
    assert run_cli("--root", mini, "build", cwd=mini).returncode == 0
    assert sorted(p.name for p in mini.iterdir()) == ["annotations", "dataset"]  # the lock file is gone


@pytest.mark.parametrize(
    "error", [(28, "No space left on device"), (13, "Permission denied"), (30, "Read-only file system")]
)
def test_a_refusing_file_system_is_reported_with_its_path_and_leaves_nothing(mini, monkeypatch, error):
    from cyberclaims.core.errors import EnvironmentFailure
    from cyberclaims.dataset import build as build_module

    def failing(root, folder, **_):
        (folder / "data").mkdir()
        (folder / "data" / "half.parquet").write_bytes(b"PAR1")
        (folder / "data").chmod(0o555)  # even a read-only leftover is removed
        raise OSError(error[0], error[1])

    monkeypatch.setattr(build_module, "build_into", failing)
    with pytest.raises(EnvironmentFailure, match=error[1]) as raised:
        build_module.build(mini, mini / "out", show_progress=False)
    assert "out" in str(raised.value) and raised.value.errno == error[0]
    assert sorted(p.name for p in mini.iterdir()) == ["annotations"]


def test_an_output_that_cannot_be_made_is_exit_1_with_the_path(mini):
    (mini / "afile").write_text("x", encoding="utf-8")
    run = run_cli("--root", mini, "build", "--output", mini / "afile" / "out", cwd=mini)
    assert run.returncode == 1 and "afile" in run.stderr and "internal error" not in run.stderr
    assert sorted(p.name for p in mini.iterdir()) == ["afile", "annotations"]
