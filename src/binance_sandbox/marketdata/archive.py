"""A downloaded archive: its sha256, the CHECKSUM file beside it, and its CSV member's lines."""

import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from binance_sandbox.marketdata.errors import MarketDataError

_READ_SIZE = 1 << 20
# sha256sum's format: the digest, then " " and " " (text mode) or "*" (binary mode), then the name.
_CHECKSUM_LINE = re.compile(r"([0-9a-fA-F]{64}) [ *](.+)")
# What a damaged deflate stream or zip structure raises while being read.
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_READ_SIZE):
            digest.update(block)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".CHECKSUM")


def verify_checksum(path: Path, sha256: str) -> bool:
    """True if the CHECKSUM beside `path` vouches for `sha256`, False if there is none.

    A CHECKSUM that disagrees, or names another file, refuses the file: it is corrupt,
    incomplete, or not the file the CHECKSUM was published with.
    """
    checksum = checksum_path(path)
    try:
        text = checksum.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError) as exc:
        raise MarketDataError(f"{checksum}: cannot be read ({exc})") from exc
    match = _CHECKSUM_LINE.fullmatch(text)
    if match is None:
        raise MarketDataError(f"{checksum}: not in sha256sum format (<64 hex digits>  <file name>)")
    expected, name = match.groups()
    if name != path.name:
        raise MarketDataError(f"{checksum}: is the checksum of {name}, not of {path.name}")
    if expected.lower() != sha256:
        raise MarketDataError(
            f"{path}: sha256 {sha256} does not match its CHECKSUM ({expected.lower()}); "
            "the file is corrupt or incomplete"
        )
    return True


class CsvMember:
    """The CSV inside an archive, read as numbered text lines without loading it whole."""

    def __init__(self, path: Path, raw: IO[bytes], size: int) -> None:
        self.path = path
        self.size = size  # uncompressed bytes, for progress
        self._raw = raw
        self._text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")

    def position(self) -> int:
        """Uncompressed bytes read so far (ahead of the lines handed out by a read buffer)."""
        return self._raw.tell()

    def lines(self) -> Iterator[tuple[int, str]]:
        """(line number from 1, line) pairs; damage found on the way refuses the file."""
        number = 0
        try:
            for number, line in enumerate(self._text, 1):
                yield number, line
        except _DAMAGE as exc:
            raise MarketDataError(
                f"{self.path}: the archive is damaged after line {number} ({exc}); "
                "the file is corrupt or incomplete"
            ) from exc

    def close(self) -> None:
        self._text.close()  # and the member under it


@contextmanager
def open_csv_member(path: Path, member: str) -> Iterator[CsvMember]:
    """Open `member` of the zip at `path`; a missing member or a broken zip refuses the file."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise MarketDataError(
            f"{path}: not a readable zip archive ({exc}); the file is corrupt or incomplete"
        ) from exc
    with archive:
        try:
            info = archive.getinfo(member)
        except KeyError:
            names = ", ".join(archive.namelist()) or "none"
            raise MarketDataError(f"{path}: has no member {member} (members: {names})") from None
        try:
            csv_member = CsvMember(path, archive.open(info), info.file_size)
        except _DAMAGE as exc:
            raise MarketDataError(f"{path}: cannot open {member} ({exc})") from exc
        try:
            yield csv_member
        finally:
            csv_member.close()
