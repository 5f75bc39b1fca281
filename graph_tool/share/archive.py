"""A canonical, uncompressed ZIP archive: written one way only, so that any changed byte shows.

Bundles are ZIP files any unzip tool opens. They are written here rather than with
:mod:`zipfile` so that the layout is fixed by this module alone (stored members, fixed
timestamps and attributes, no extra fields, no comment, UTF-8 names): a reader parses the
file, rebuilds the canonical bytes from the members it found and compares them, so a byte
changed outside the members' contents (a header, the central directory) is detected as
surely as one inside them (which the manifest's hashes catch).

>>> data = write_archive([("a.txt", b"hello"), ("b/c.json", b"{}")])
>>> [(m.name, m.data) for m in read_archive(data)]
[('a.txt', b'hello'), ('b/c.json', b'{}')]
>>> import io, zipfile
>>> zipfile.ZipFile(io.BytesIO(data)).read("a.txt")
b'hello'
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_LOCAL_SIG, _CENTRAL_SIG, _END_SIG = 0x04034B50, 0x02014B50, 0x06054B50
_VERSION = 20
_MADE_BY = (3 << 8) | _VERSION  # Unix, ZIP 2.0
_UTF8 = 0x0800
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0
_MODE = 0o100644 << 16
_LIMIT = 0xFFFFFFFF


class ArchiveError(ValueError):
    """The archive is not a canonical bundle archive; the message says where."""


@dataclass(frozen=True)
class Member:
    """One member of an archive and where its data starts in the file."""

    name: str
    data: bytes
    offset: int = 0


def check_name(name: str) -> None:
    """Refuse member names that could escape a folder or confuse a reader."""
    parts = name.split("/")
    if not name or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
        raise ArchiveError(f"unsafe member name {name!r}")
    if any(ord(ch) < 32 for ch in name):
        raise ArchiveError("member name with control characters")


def write_archive(members: Iterable[tuple[str, bytes]]) -> bytes:
    """The canonical archive of ``(name, data)`` members, in the order given."""
    out = bytearray()
    central = bytearray()
    count = 0
    seen: set[str] = set()
    for name, data in members:
        check_name(name)
        if name in seen:
            raise ArchiveError(f"duplicate member {name!r}")
        seen.add(name)
        raw = name.encode("utf-8")
        if len(data) >= _LIMIT or len(out) >= _LIMIT:
            raise ArchiveError("a bundle member or the bundle is too large (4 GiB limit)")
        crc = zlib.crc32(data) & 0xFFFFFFFF
        offset = len(out)
        out += _LOCAL.pack(_LOCAL_SIG, _VERSION, _UTF8, 0, _DOS_TIME, _DOS_DATE, crc, len(data), len(data), len(raw), 0)
        out += raw + data
        central += _CENTRAL.pack(
            _CENTRAL_SIG,
            _MADE_BY,
            _VERSION,
            _UTF8,
            0,
            _DOS_TIME,
            _DOS_DATE,
            crc,
            len(data),
            len(data),
            len(raw),
            0,
            0,
            0,
            0,
            _MODE,
            offset,
        )
        central += raw
        count += 1
    if count >= 0xFFFF:
        raise ArchiveError("too many members")
    start = len(out)
    out += central
    out += _END.pack(_END_SIG, 0, 0, count, count, len(central), start, 0)
    return bytes(out)


def read_archive(data: bytes, strict: bool = True) -> list[Member]:
    """Members of an archive; :class:`ArchiveError` says what is wrong.

    With ``strict`` the file must be exactly what :func:`write_archive` writes for the
    members found; without it, only what is needed to find the members is checked (call
    :func:`layout_problem` afterwards).
    """
    members = _parse(data)
    if strict:
        problem = layout_problem(data, members)
        if problem:
            raise ArchiveError(problem)
    return members


def layout_problem(data: bytes, members: list[Member]) -> str | None:
    """Why ``data`` is not the canonical archive of ``members``, or None when it is."""
    canonical = write_archive((m.name, m.data) for m in members)
    if canonical == data:
        return None
    at = next((i for i, (a, b) in enumerate(zip(canonical, data, strict=False)) if a != b), None)
    if at is None:
        at = min(len(canonical), len(data))
    return f"the archive's structure was changed (first difference at byte {at}, in the {_where(members, at)})"


def _where(members: list[Member], at: int) -> str:
    for m in members:
        start = m.offset - _LOCAL.size - len(m.name.encode("utf-8"))
        if start <= at < m.offset:
            return f"header of {m.name}"
        if m.offset <= at < m.offset + len(m.data):
            return f"data of {m.name} (its CRC-32 no longer matches)"
    return "central directory"


def _parse(data: bytes) -> list[Member]:
    if len(data) < _END.size:
        raise ArchiveError("too short to be a bundle archive")
    sig, _disk, _cd_disk, n_disk, n_total, cd_size, cd_offset, comment = _END.unpack_from(data, len(data) - _END.size)
    if sig != _END_SIG:
        raise ArchiveError("no end-of-archive record where one must be (the end of the file was changed)")
    if comment or n_disk != n_total or cd_offset + cd_size != len(data) - _END.size:
        raise ArchiveError("the end-of-archive record is inconsistent")
    members: list[Member] = []
    pos = cd_offset
    for _ in range(n_total):
        if pos + _CENTRAL.size > len(data):
            raise ArchiveError("the central directory is truncated")
        fields = _CENTRAL.unpack_from(data, pos)
        if fields[0] != _CENTRAL_SIG:
            raise ArchiveError(f"bad central-directory entry at byte {pos}")
        method, size, usize, name_len, extra_len, comment_len, offset = (
            fields[4],
            fields[8],
            fields[9],
            fields[10],
            fields[11],
            fields[12],
            fields[16],
        )
        if method != 0 or size != usize:
            raise ArchiveError("a member is compressed; bundle members are stored")
        try:
            name = data[pos + _CENTRAL.size : pos + _CENTRAL.size + name_len].decode("utf-8")
        except UnicodeDecodeError:
            raise ArchiveError(f"a member name at byte {pos} is not UTF-8") from None
        check_name(name)
        pos += _CENTRAL.size + name_len + extra_len + comment_len
        if offset + _LOCAL.size > len(data):
            raise ArchiveError(f"{name}: its header lies outside the file")
        local = _LOCAL.unpack_from(data, offset)
        if local[0] != _LOCAL_SIG:
            raise ArchiveError(f"{name}: no member header at byte {offset}")
        start = offset + _LOCAL.size + local[9] + local[10]
        if start + size > cd_offset:
            raise ArchiveError(f"{name}: its data runs past the central directory")
        members.append(Member(name, data[start : start + size], start))
    if pos != len(data) - _END.size:
        raise ArchiveError("the central directory has trailing bytes")
    return members
