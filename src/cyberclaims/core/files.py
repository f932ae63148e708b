"""Files: capped, symlink-refusing reads of untrusted input, and writes a reader never sees half of.

Reading never trusts the input: sizes are capped before anything is read whole, symlinks are not
followed, and texts are decoded strictly. Writing goes to a temporary sibling, then a rename or link.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from .errors import UsageError
from .issues import Issue, printable

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


def entry_kinds(folder: Path) -> dict[str, str]:
    """The entries of ``folder`` by name: "" for a regular file, else what it is ("a FIFO (named pipe)", "a
    symbolic link", "a folder"), never following a link."""
    with os.scandir(folder) as scan:
        return {entry.name: _not_regular(entry.stat(follow_symlinks=False).st_mode) for entry in scan}


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


# ---------------------------------------------------------------------------------------------
# Output folders: what a command writes into, and what it may replace there

# The repository's own folders: no command writes its output into one of them (or a folder inside one),
# whatever it holds. (``build`` writes ``dataset/`` itself: it has its own rule, ``check_output_folder``.)
REPOSITORY_FOLDERS = (
    "annotations",
    "dataset",
    "schema",
    "src",
    "tests",
    "docs",
    "benchmarks",
    "examples",
    ".git",
    ".ci",
    ".github",
)


class OutputFolderRefused(UsageError):
    """An output a command will not write (the message says why and what to do; exit status 2)."""


def refuse_repository_folder(root: Path, output: Path, command: str, option: str = "--out") -> None:
    """``OutputFolderRefused`` when ``output`` is the repository at ``root``, a folder holding it, or one of its
    own folders (``REPOSITORY_FOLDERS``) or a folder inside one: a command's output never lands among the sources.
    ``option`` is how the command names its output (``--out``, ``--draft``)."""
    target = Path(os.path.abspath(output))
    repository = Path(os.path.abspath(root))
    for folder, there in ((target, repository), (target.resolve(), repository.resolve())):
        if folder == there or there.is_relative_to(folder):
            raise OutputFolderRefused(
                f"{command} {option} {_shown(output)} is the repository or a folder holding it; name a new folder"
            )
        for name in REPOSITORY_FOLDERS:
            if folder == there / name or folder.is_relative_to(there / name):
                raise OutputFolderRefused(
                    f"{command} {option} {_shown(output)} is the repository's {name}/ folder or inside it; "
                    f"name a folder of its own, such as {_EXAMPLE_FOLDERS.get(command, 'exported')}/"
                )


_EXAMPLE_FOLDERS = {
    "render": "site",
    "suggest": "to-label",
    "adjudicate": "draft",
}  # what the docs name each command's output


def _shown(path: Path) -> str:
    return printable(str(path))


class OutputFolder:
    """A folder a command writes into, opened once: every file is written, read and removed relative to it,
    never through a link. The folder itself, and any subfolder on the way to a file, must be a real folder:
    a symbolic link there is refused (``OutputFolderRefused``), never followed out of the target.

    Files are written as ``write_file`` writes them (a temporary sibling, then a rename), so a reader never
    sees half of one.
    """

    def __init__(self, path: Path, command: str) -> None:
        self.path, self.command = Path(path), command
        if os.path.islink(self.path):
            raise OutputFolderRefused(
                f"{command} --out {_shown(self.path)} is a symbolic link; {command} never writes through a "
                f"link: name the folder itself"
            )
        if os.path.lexists(self.path) and not os.path.isdir(self.path):
            raise OutputFolderRefused(
                f"{command} --out {_shown(self.path)} exists and is not a folder; it was left as it is: name a folder"
            )
        self.path.mkdir(parents=True, exist_ok=True)
        self._fds: dict[str, int] = {"": self._open_folder(None, str(self.path), "")}

    def _open_folder(self, parent: int | None, name: str, shown: str) -> int:
        try:
            return os.open(name, os.O_RDONLY | O_DIRECTORY | NO_FOLLOW | CLOSE_ON_EXEC, dir_fd=parent)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                where = f"{_shown(self.path)}/{shown}" if shown else _shown(self.path)
                raise OutputFolderRefused(
                    f"{where} is not a folder but a symbolic link or a file; {self.command} never writes through "
                    f"a link out of its folder: move it away, then run it again"
                ) from None
            raise

    def folder_fd(self, folder: str, *, create: bool) -> int | None:
        """The open folder ``folder`` ("" or "p", relative; made if ``create``), or None when it is missing."""
        if folder in self._fds:
            return self._fds[folder]
        parent_name, _, name = folder.rpartition("/")
        parent = self.folder_fd(parent_name, create=create)
        if parent is None:
            return None
        if create:
            try:
                os.mkdir(name, 0o777, dir_fd=parent)
            except FileExistsError:
                pass
        try:
            fd = self._open_folder(parent, name, folder)
        except FileNotFoundError:
            return None
        self._fds[folder] = fd
        return fd

    def check_folder(self, folder: str) -> None:
        """Refuse now (``OutputFolderRefused``) if ``folder`` exists and is a link or a file."""
        self.folder_fd(folder, create=False)

    def write(self, name: str, data: bytes) -> None:
        """Write ``name`` (relative, "/"-separated) atomically inside the folder."""
        folder, _, base = name.rpartition("/")
        parent = self.folder_fd(folder, create=True)
        assert parent is not None
        temporary = f".{base}.{os.urandom(6).hex()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NO_FOLLOW | CLOSE_ON_EXEC, 0o644, dir_fd=parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temporary, base, src_dir_fd=parent, dst_dir_fd=parent)
        except BaseException:
            try:
                os.unlink(temporary, dir_fd=parent)
            except OSError:
                pass
            raise

    def read(self, name: str, limit: int) -> bytes | None:
        """The bytes of the regular file ``name`` (at most ``limit``), or None: missing, a link, a FIFO..."""
        folder, _, base = name.rpartition("/")
        parent = self.folder_fd(folder, create=False)
        if parent is None:
            return None
        try:
            fd = os.open(base, os.O_RDONLY | NO_FOLLOW | CLOSE_ON_EXEC | NON_BLOCK, dir_fd=parent)
        except OSError:
            return None
        try:
            if _not_regular(os.fstat(fd).st_mode):
                return None
            data = _read_at_most(fd, limit + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        return data if len(data) <= limit else None

    def kind(self, name: str) -> str | None:
        """None when nothing is at ``name``; "" for a regular file; else what it is ("a FIFO", "a folder")."""
        folder, _, base = name.rpartition("/")
        parent = self.folder_fd(folder, create=False)
        if parent is None:
            return None
        try:
            st = os.stat(base, dir_fd=parent, follow_symlinks=False)
        except FileNotFoundError:
            return None
        return _not_regular(st.st_mode)

    def remove(self, name: str) -> None:
        """Remove the file ``name`` (a link is removed itself, never what it points to)."""
        folder, _, base = name.rpartition("/")
        parent = self.folder_fd(folder, create=False)
        if parent is not None:
            os.unlink(base, dir_fd=parent)

    def names(self, folder: str) -> list[str]:
        """The names in ``folder`` (relative), or [] when it is missing."""
        fd = self.folder_fd(folder, create=False)
        if fd is None:
            return []
        return sorted(os.listdir(fd))

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
