"""Files: capped, symlink-refusing reads of untrusted input, and writes a reader never sees half of.

Reading never trusts the input: sizes are capped before anything is read whole, symlinks are not
followed, and texts are decoded strictly. Writing goes to a temporary sibling, then a rename or link.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

from .issues import Issue

MAX_TEXT_BYTES = 1 * 1024 * 1024  # a news article is tens of KB; 1 MiB leaves room, not a book
MAX_ANNOTATION_BYTES = 16 * 1024 * 1024
MAX_REGISTRY_BYTES = 256 * 1024 * 1024


def human_size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n} bytes"


def read_capped(path: Path, display: str, limit: int) -> tuple[bytes | None, list[Issue]]:
    """Read a regular file of at most ``limit`` bytes; never follows symlinks, never reads more.

    Anything but a regular file (a FIFO, a device, a socket) is refused without blocking: the file is
    opened with ``O_NONBLOCK`` (a FIFO without a writer would otherwise block the open) and checked with
    ``fstat`` before a byte is read.
    """
    try:
        # O_NOFOLLOW refuses a symlink in the same call that opens the file (no lstat per file)
        if not NO_FOLLOW and os.path.islink(path):
            raise OSError("symbolic link")
        fd = os.open(path, os.O_RDONLY | NO_FOLLOW | CLOSE_ON_EXEC | NON_BLOCK)
    except OSError as exc:
        if os.path.islink(path):
            return None, [
                Issue(
                    display,
                    None,
                    "",
                    "file-is-symlink",
                    f"is a symbolic link to {os.readlink(path)!r}; put the real file here",
                )
            ]
        return None, [Issue(display, None, "", "file-unreadable", f"cannot be read: {exc.strerror}")]
    try:
        kind = _not_regular(os.fstat(fd).st_mode)
        if kind:
            return None, [
                Issue(display, None, "", "file-unreadable", f"is {kind}, not a regular file; put the real file here")
            ]
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        return None, [Issue(display, None, "", "file-unreadable", f"cannot be read: {exc.strerror}")]
    finally:
        os.close(fd)
    if len(data) > limit:
        return None, [
            Issue(
                display,
                None,
                "",
                "file-too-large",
                f"is larger than the limit of {human_size(limit)} for this kind of file",
            )
        ]
    if not data:
        return None, [Issue(display, None, "", "file-empty", "is empty")]
    return data, []


def _read_at_most(fd: int, most: int) -> bytes:
    """Up to ``most`` bytes of an open file, in reads sized by the file, never by ``most``.

    ``read(most)`` would allocate ``most`` bytes (16 MiB for an annotation) for every small file.
    The size from ``fstat`` is a hint only: a file that grows meanwhile is read on, up to ``most``.
    """
    want = min(os.fstat(fd).st_size + 1, most)
    chunks = []
    total = 0
    while total < most:
        chunk = os.read(fd, want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = min(most - total, _READ_CHUNK)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_READ_CHUNK = 1 << 20
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
CLOSE_ON_EXEC = getattr(os, "O_CLOEXEC", 0)
NON_BLOCK = getattr(os, "O_NONBLOCK", 0)


def _not_regular(mode: int) -> str:
    """What a file that is not a regular file is ("a FIFO"), or "" for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


class NotRegularFileError(OSError):
    """A path names a FIFO, a device, a socket or a folder where a regular file is expected."""


def open_regular(path: Path):  # -> BinaryIO
    """Open a regular file for reading, refusing anything else without blocking (``NotRegularFileError``).

    For readers that need a file object (Parquet, hashing): the same guarantee as ``read_capped``.
    Symlinks are followed here (a downloaded dataset may use them); what they point to must be regular.
    """
    fd = os.open(path, os.O_RDONLY | CLOSE_ON_EXEC | NON_BLOCK)
    try:
        kind = _not_regular(os.fstat(fd).st_mode)
        if kind:
            raise NotRegularFileError(f"{path} is {kind}, not a regular file")
        if NON_BLOCK:  # a regular file never blocks; clear the flag so that reads behave as usual
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def decode_text(data: bytes, display: str) -> tuple[str | None, list[Issue]]:
    """Decode a raw article strictly as UTF-8, locating the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [
            Issue(
                display, 1, "", "text-bom", "starts with a UTF-8 byte-order mark (EF BB BF); save the text without it"
            )
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [
            Issue(
                display,
                line,
                "",
                "text-not-utf8",
                f"is not valid UTF-8: byte 0x{data[exc.start]:02X} at byte offset {exc.start} "
                f"({exc.reason}); re-save the text as UTF-8",
            )
        ]


def write_file(path: Path, data: bytes, *, overwrite: bool = True, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically.

    ``overwrite=False`` links the finished file into place, which fails if the name was taken in the
    meantime (FileExistsError): an existing file is never replaced by accident. ``durable=False`` skips
    the flush to disk, for files that may be lost in a crash (a cache) but never seen half-written.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; these are ordinary repository files
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_digest(*folders: tuple[str, Path]) -> str:
    """sha256 of every file under each ``(name, folder)``, by path, compiled Python left out: the fingerprint
    of the code and data a result was made with (the build's cache and the viewer's state use it)."""
    digest = hashlib.sha256()
    for name, folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo") or not path.is_file():
                continue
            data = path.read_bytes()
            digest.update(f"{name}/{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()
