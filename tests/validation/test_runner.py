"""The validation runner's process pool (cyberclaims.validation.runner): its workers die with their parent."""

from __future__ import annotations

from pathlib import Path


def test_workers_die_with_their_parent(tmp_path):
    """A worker whose parent is killed (kill -9 runs no clean-up) does not run on."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from cyberclaims.core.pool import init_worker\n"
        "pool = ProcessPoolExecutor(2, initializer=init_worker, initargs=(None, os.getpid()))\n"
        "print(*[f.result() for f in [pool.submit(os.getpid) for _ in range(4)]], flush=True)\n"
        "time.sleep(60)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    workers = {int(pid) for pid in parent.stdout.readline().split()}
    assert workers
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
        for pid in workers
        if Path(f"/proc/{pid}/stat").exists()
    ):
        time.sleep(0.2)
    alive = [
        pid
        for pid in workers
        if Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    ]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive
