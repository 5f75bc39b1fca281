"""Streaming readers: every format yields :class:`Row` values one at a time.

Nothing reads a whole file into memory: CSV is read line by line, XLSX with openpyxl's
read-only mode, JSON with an incremental parser that walks to the list of records, JSON
lines and FtM entity streams line by line.

Row numbers (``Row.row``) are 1-based and point at what a person sees:

* CSV (and HTCDS, adjacency, nodes-edges): the record's position in the file, the header
  being row 1, so the first data row is row 2. A quoted value spanning several lines is
  one row; a blank line takes a number but is not a row.
* XLSX: the sheet's own row number (the header is row 1).
* JSON: the record's position in the list, from 1. JSON lines and FtM: the line number.

A row the reader cannot read (broken quoting, a wrong number of cells, bytes that are not
text in the file's encoding, invalid JSON) is still yielded, with ``error`` set, so that
the engine reports it and the other rows go on. A file that cannot be read at all raises
:class:`FileError` with a message that says why (and never repeats its content).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from loaders.spec import ReaderOptions

CHUNK = 1 << 20
MAX_RECORD_LINES = 1000  # a quoted value never closed: give up after this many lines...
MAX_RECORD_CHARS = 32 << 20  # ...or characters, reject the row and go on after it
_SURROGATES = re.compile("[\udc80-\udcff]")
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_DELIMITERS = (",", ";", "\t", "|")
TABULAR = ("csv", "xlsx", "htcds")


class FileError(Exception):
    """A file that cannot be read at all; the message says why."""


@dataclass(slots=True)
class Row:
    """One record of a source file: its values by column, and where it came from."""

    file: str
    row: int
    values: dict[str, Any]
    error: tuple[str, str] | None = None  # (field, reason) when the reader could not read it
    raw: str | None = None  # the text of an unreadable record, for the rejects file
    path: str = ""  # the file's path as given (for the virtual columns)

    @property
    def ref(self) -> str:
        """``file:row``."""
        return f"{self.file}:{self.row}"


@dataclass
class FileInfo:
    """What the reader learnt about a file before and while reading it."""

    path: Path
    name: str
    size: int
    sha256: str
    format: str
    encoding: str = ""
    columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bad_bytes: bool = False
    nul_bytes: bool = False


@dataclass
class _Scan:
    sha256: str
    size: int
    utf8: bool
    bom: bool
    cp1252: bool
    nul: bool
    utf16: bool
    given_ok: bool


def _scan(path: Path, given: str | None) -> _Scan:
    """One pass over the bytes: hash, and which encodings decode every byte."""
    digest = hashlib.sha256()
    size = 0
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    given_dec = codecs.getincrementaldecoder(given)("strict") if given else None
    ok_utf8 = ok_given = True
    cp1252 = True
    nul = False
    first = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if not first:
                first = chunk[:4]
            digest.update(chunk)
            size += len(chunk)
            if ok_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    ok_utf8 = False
            if given_dec is not None and ok_given:
                try:
                    given_dec.decode(chunk)
                except UnicodeDecodeError:
                    ok_given = False
            if cp1252 and any(b in chunk for b in _CP1252_UNDEFINED):
                cp1252 = False
            nul = nul or b"\x00" in chunk
    if ok_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            ok_utf8 = False
    if given_dec is not None and ok_given:
        try:
            given_dec.decode(b"", final=True)
        except UnicodeDecodeError:
            ok_given = False
    utf16 = first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    return _Scan(digest.hexdigest(), size, ok_utf8, first.startswith(codecs.BOM_UTF8), cp1252, nul, utf16, ok_given)


def file_info(path: Path, options: ReaderOptions, fmt: str) -> FileInfo:
    """Hash the file and choose its encoding (for text formats)."""
    if not path.is_file():
        raise FileError(f"{path}: no such file")
    given = None if options.encoding.lower() in ("auto", "") else options.encoding
    if given:
        try:
            codecs.lookup(given)
        except LookupError:
            raise FileError(f"{path.name}: unknown encoding {given!r} in the spec") from None
    scan = _scan(path, given if fmt != "xlsx" else None)
    info = FileInfo(path, path.name, scan.size, scan.sha256, fmt)
    if fmt == "xlsx":
        info.encoding = "xlsx"
        return info
    if given:
        info.encoding = given
        if not scan.given_ok:
            info.bad_bytes = True
            info.warnings.append(
                f"{path.name}: not valid {given} text; rows with bytes that are not {given} are rejected"
            )
    elif scan.utf16:
        raise FileError(f"{path.name}: UTF-16 text; save it as UTF-8 (or give encoding: utf-16 in the spec)")
    elif scan.utf8:
        info.encoding = "utf-8-sig" if scan.bom else "utf-8"
    elif scan.cp1252 and not scan.nul:
        info.encoding = "cp1252"
        info.warnings.append(f"{path.name}: not UTF-8; read as cp1252 (Windows Western, a superset of Latin-1)")
    else:
        info.encoding = "utf-8"
        info.bad_bytes = True
        info.warnings.append(
            f"{path.name}: neither UTF-8 nor cp1252/Latin-1 text (another encoding, or binary data); "
            "rows with bytes that are not UTF-8 are rejected: give the encoding in the spec"
        )
    if scan.nul:
        info.nul_bytes = True
        info.warnings.append(f"{path.name}: contains NUL bytes; rows with them are rejected")
    return info


# --- CSV ---------------------------------------------------------------------------------


def _sniff(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Progress:
    """Bytes (or rows) read so far, for the progress bar."""

    done: int = 0
    total: int = 0


class CsvRecords:
    """Logical CSV records from a text file, robust to broken quoting.

    Each record is ``(row number, cells or None, error reason or None, raw text)``. A
    record whose quoted value is never closed is rejected on its own and reading goes on
    with the next line.
    """

    def __init__(self, fh: IO[str], delimiter: str, progress: _Progress | None = None) -> None:
        self.fh = fh
        self.delimiter = delimiter
        self.progress = progress

    def _lines(self) -> Iterator[str]:
        buffer = getattr(self.fh, "buffer", None)
        if self.progress is None or buffer is None:
            yield from self.fh
            return
        for n, line in enumerate(self.fh):
            if not n & 1023:  # tell() costs more than splitting a line: ask now and then
                self.progress.done = buffer.tell()
            yield line
        self.progress.done = buffer.tell()

    def __iter__(self) -> Iterator[tuple[int, list[str] | None, str | None, str]]:
        lines = self._lines()
        pending: list[str] = []  # lines given back after a broken record
        number = 0
        d = self.delimiter

        def next_line() -> str | None:
            if pending:
                return pending.pop()
            return next(lines, None)

        while True:
            line = pending.pop() if pending else next(lines, None)  # next_line(), without the call
            if line is None:
                return
            number += 1
            if '"' not in line:
                text = line.rstrip("\r\n")
                if not text or text.isspace():
                    continue
                yield number, text.split(d), None, text
                continue
            buf = [line]
            size = len(line)
            while True:
                text = "".join(buf)
                try:
                    cells = next(csv.reader([text], delimiter=d, strict=True))
                    break
                except csv.Error as exc:
                    reason = str(exc)
                    incomplete = "unexpected end of data" in reason or "newline inside string" in reason
                    more = (
                        next_line() if incomplete and len(buf) < MAX_RECORD_LINES and size < MAX_RECORD_CHARS else None
                    )
                    if more is None:
                        # Reject the line that opened the bad quote; read the others again.
                        cells = None
                        reason = (
                            "broken quoting: a quoted value is never closed"
                            if incomplete or len(buf) > 1
                            else f"broken quoting: {reason}"
                        )
                        pending.extend(reversed(buf[1:]))
                        text = buf[0]
                        break
                    buf.append(more)
                    size += len(more)
            if cells is None:
                yield number, None, reason, text.rstrip("\r\n")
            else:
                if not any(c.strip() for c in cells) and len(cells) <= 1:
                    continue
                yield number, cells, None, text.rstrip("\r\n")


def _clean_header(cells: list[str], info: FileInfo) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = cell.replace("\ufeff", "").strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            new = f"{name}_{seen[name]}"
            info.warnings.append(f"{info.name}: duplicate column {name!r} renamed {new!r}")
            name = new
        else:
            seen[name] = 1
        out.append(name)
    return out


def _text_checks(info: FileInfo, text: str) -> str | None:
    if info.bad_bytes and _SURROGATES.search(text):
        return f"bytes that are not valid {info.encoding} text"
    if info.nul_bytes and "\x00" in text:
        return "NUL characters (binary data, or UTF-16 text)"
    return None


def _null(values: dict[str, Any], nulls: frozenset[str]) -> dict[str, Any]:
    if not nulls:
        return values
    return {k: ("" if isinstance(v, str) and v.strip() in nulls else v) for k, v in values.items()}


def read_csv(info: FileInfo, options: ReaderOptions, progress: _Progress | None = None) -> Iterator[Row]:
    """Rows of a CSV file with a header row (or, with ``columns`` in the spec, without one)."""
    nulls = frozenset(options.null_values)
    with info.path.open("r", encoding=info.encoding, errors="surrogateescape", newline="") as fh:
        first = fh.readline()
        fh.seek(0)
        delimiter = options.delimiter or _sniff(first)
        records = iter(CsvRecords(fh, delimiter, progress))
        header: list[str] | None = None
        if options.columns:
            header = list(options.columns)
            info.columns = header
        name, path = info.name, str(info.path)
        checks = info.bad_bytes or info.nul_bytes  # otherwise _text_checks finds nothing
        for number, cells, error, raw in records:
            if header is None:
                if cells is None:
                    raise FileError(f"{info.name}: the header row cannot be read ({error})")
                header = _clean_header(cells, info)
                info.columns = header
                continue
            bad = _text_checks(info, raw) if checks else None
            if error is not None or bad is not None or cells is None:
                yield Row(name, number, {}, ("_row", error or bad or ""), raw, path)
                continue
            width = len(header)
            if len(cells) != width:
                if len(cells) > width and not any(c.strip() for c in cells[width:]):
                    cells = cells[:width]
                elif len(cells) < width and options.ragged == "pad":
                    cells = cells + [""] * (width - len(cells))
                else:
                    reason = f"ragged row: {len(cells)} cells, the header has {width}"
                    yield Row(name, number, {}, ("_row", reason), raw, path)
                    continue
            values = dict(zip(header, cells, strict=True))
            yield Row(name, number, _null(values, nulls) if nulls else values, None, None, path)
    if header is None:
        info.warnings.append(f"{info.name}: empty file (no header row)")


# --- XLSX --------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A spreadsheet or JSON scalar as text (integral floats without ``.0``).

    >>> cell_text(447400123456.0), cell_text(datetime(2020, 1, 2)), cell_text(True)
    ('447400123456', '2020-01-02', 'true')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def read_xlsx(info: FileInfo, options: ReaderOptions, progress: _Progress | None = None) -> Iterator[Row]:
    """Rows of one sheet of an XLSX workbook (openpyxl read-only mode)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(info.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise FileError(f"{info.name}: not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        if options.sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(options.sheet, int):
            if options.sheet >= len(wb.worksheets):
                raise FileError(f"{info.name}: no sheet number {options.sheet}")
            ws = wb.worksheets[options.sheet]
        else:
            if options.sheet not in wb.sheetnames:
                raise FileError(f"{info.name}: no sheet {options.sheet!r} (sheets: {', '.join(wb.sheetnames)})")
            ws = wb[options.sheet]
        if progress is not None:
            progress.total = int(ws.max_row or 0)
        nulls = frozenset(options.null_values)
        header: list[str] | None = None
        for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            if progress is not None:
                progress.done = number
            texts = [cell_text(c) for c in cells]
            if header is None:
                if not any(t.strip() for t in texts):
                    continue
                while texts and not texts[-1].strip():
                    texts.pop()
                header = _clean_header(texts, info)
                info.columns = header
                continue
            if not any(t.strip() for t in texts):
                continue
            if len(texts) > len(header):
                if any(t.strip() for t in texts[len(header) :]):
                    reason = f"ragged row: values beyond the {len(header)} header columns"
                    yield Row(info.name, number, {}, ("_row", reason), ",".join(texts), str(info.path))
                    continue
                texts = texts[: len(header)]
            texts += [""] * (len(header) - len(texts))
            yield Row(info.name, number, _null(dict(zip(header, texts, strict=True)), nulls), path=str(info.path))
    finally:
        wb.close()


# --- JSON --------------------------------------------------------------------------------


class _JsonStream:
    """Just enough of an incremental JSON parser to walk to a list and yield its items."""

    def __init__(self, fh: IO[str], progress: _Progress | None = None) -> None:
        self.fh = fh
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.offset = 0  # characters dropped from the front of buf
        self.dec = json.JSONDecoder()
        self.progress = progress

    def _fill(self) -> bool:
        if self.eof:
            return False
        data = self.fh.read(max(CHUNK, len(self.buf)))
        if self.progress is not None:
            self.progress.done = self.fh.buffer.tell() if hasattr(self.fh, "buffer") else 0
        if not data:
            self.eof = True
            return False
        self.offset += self.pos
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, chars: str) -> str:
        ch = self.peek()
        if not ch or ch not in chars:
            raise ValueError(f"expected {' or '.join(repr(c) for c in chars)} at character {self.offset + self.pos}")
        self.pos += 1
        return ch

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                obj, end = self.dec.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._fill():
                    continue
                raise ValueError(f"not valid JSON at character {self.offset + exc.pos}: {exc.msg}") from None
            if end == len(self.buf) and not self.eof and isinstance(obj, (int, float)) and self._fill():
                continue  # a number may go on in the next chunk
            self.pos = end
            return obj

    def walk(self, path: list[str]) -> None:
        """Move to the value at ``path`` (object keys)."""
        for key in path:
            self.expect("{")
            while True:
                if self.peek() == "}":
                    raise ValueError(f"no key {key!r} on the json_path")
                name = self.value()
                self.expect(":")
                if name == key:
                    break
                self.value()
                if self.expect(",}") == "}":
                    raise ValueError(f"no key {key!r} on the json_path")

    def items(self) -> Iterator[Any]:
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.expect(",]") == "]":
                return


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted column names; lists of scalars stay lists of text.

    >>> flatten({"a": {"b": 1}, "c": ["x", 2], "d": None})
    {'a.b': '1', 'c': ['x', '2'], 'd': ''}
    """
    out: dict[str, Any] = {}
    if not isinstance(obj, dict):
        return {prefix or "value": cell_text(obj)}
    for k, v in obj.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, f"{name}."))
        elif isinstance(v, list):
            if all(not isinstance(x, (dict, list)) for x in v):
                out[name] = [cell_text(x) for x in v if x is not None]
            else:
                out[name] = json.dumps(v, ensure_ascii=False, sort_keys=True)
        else:
            out[name] = cell_text(v)
    return out


def read_json(info: FileInfo, options: ReaderOptions, progress: _Progress | None = None) -> Iterator[Row]:
    """Records of a JSON list (the whole document, or the list at ``json_path``)."""
    nulls = frozenset(options.null_values)
    with info.path.open("r", encoding=info.encoding, errors="surrogateescape") as fh:
        stream = _JsonStream(fh, progress)
        number = 0
        try:
            if options.json_path:
                stream.walk([p for p in options.json_path.split(".") if p])
            for number, item in enumerate(stream.items(), start=1):
                if not isinstance(item, dict):
                    yield Row(info.name, number, {}, ("_row", "a record must be a JSON object"), json.dumps(item))
                    continue
                values = {k: v for k, v in flatten(item).items() if not k.startswith("_")}
                for k in values:
                    if k not in info.columns:
                        info.columns.append(k)
                yield Row(info.name, number, _null(values, nulls), path=str(info.path))
        except ValueError as exc:
            info.warnings.append(f"{info.name}: reading stopped after record {number}: {exc}")
            yield Row(info.name, number + 1, {}, ("_row", f"reading stopped: {exc}"), "")


def read_jsonl(
    info: FileInfo, options: ReaderOptions, progress: _Progress | None = None, flat: bool = True
) -> Iterator[Row]:
    """One JSON object per line; ``flat=False`` keeps objects as they are (FtM)."""
    nulls = frozenset(options.null_values)
    with info.path.open("r", encoding=info.encoding, errors="surrogateescape", newline="") as fh:
        for number, line in enumerate(fh, start=1):
            if progress is not None:
                progress.done = fh.buffer.tell()  # type: ignore[attr-defined]
            text = line.strip()
            if not text:
                continue
            bad = _text_checks(info, text)
            if bad:
                yield Row(info.name, number, {}, ("_row", bad), text, str(info.path))
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Row(info.name, number, {}, ("_row", f"not valid JSON: {exc.msg}"), text, str(info.path))
                continue
            if not isinstance(obj, dict):
                yield Row(info.name, number, {}, ("_row", "a record must be a JSON object"), text, str(info.path))
                continue
            obj = {k: v for k, v in obj.items() if not k.startswith("_")}
            values = _null(flatten(obj), nulls) if flat else obj
            yield Row(info.name, number, values, path=str(info.path))


# --- adjacency matrix --------------------------------------------------------------------


def read_adjacency(info: FileInfo, options: ReaderOptions, progress: _Progress | None = None) -> Iterator[Row]:
    """One row per non-zero cell of a square matrix: ``from``, ``to``, ``weight``.

    The header row and first column hold the node ids; a cell is the count (or weight) of
    ties from the row's node to the column's node. Several rows share the matrix row's
    number.
    """
    with info.path.open("r", encoding=info.encoding, errors="surrogateescape", newline="") as fh:
        first = fh.readline()
        fh.seek(0)
        delimiter = options.delimiter or _sniff(first)
        header: list[str] | None = None
        for number, cells, error, raw in CsvRecords(fh, delimiter, progress):
            if header is None:
                if cells is None:
                    raise FileError(f"{info.name}: the header row cannot be read ({error})")
                header = [c.strip() for c in cells]
                info.columns = header
                continue
            if cells is None or error:
                yield Row(info.name, number, {}, ("_row", error or ""), raw, str(info.path))
                continue
            if len(cells) != len(header):
                reason = f"ragged row: {len(cells)} cells, the header has {len(header)}"
                yield Row(info.name, number, {}, ("_row", reason), raw, str(info.path))
                continue
            source = cells[0].strip()
            for col, cell in zip(header[1:], cells[1:], strict=True):
                text = cell.strip()
                if text in ("", "0", "0.0"):
                    continue
                try:
                    weight = float(text)
                except ValueError:
                    yield Row(info.name, number, {}, (col, "not a number"), raw, str(info.path))
                    continue
                if weight == 0:
                    continue
                yield Row(info.name, number, {"from": source, "to": col, "weight": text}, path=str(info.path))


# --- dispatch ----------------------------------------------------------------------------


def file_format(path: Path, options: ReaderOptions) -> str:
    """The format to read ``path`` with: the spec's, except that tabular formats follow the
    file's extension (a rejects CSV of an XLSX load reads back as CSV)."""
    fmt = options.format
    suffix = path.suffix.lower()
    if fmt in TABULAR:
        if suffix in (".xlsx", ".xlsm"):
            return "xlsx"
        if suffix in (".csv", ".tsv", ".txt"):
            return "csv" if fmt == "xlsx" else fmt
    if fmt == "json" and suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    return fmt


def open_rows(path: Path, options: ReaderOptions, progress: _Progress | None = None) -> tuple[FileInfo, Iterator[Row]]:
    """Inspect ``path`` and return its info and a generator of its rows."""
    fmt = file_format(path, options)
    info = file_info(path, options, fmt)
    if progress is not None:
        progress.total = info.size
    if fmt in ("csv", "htcds", "nodes-edges"):
        return info, read_csv(info, options, progress)
    if fmt == "xlsx":
        return info, read_xlsx(info, options, progress)
    if fmt == "json":
        return info, read_json(info, options, progress)
    if fmt == "jsonl":
        return info, read_jsonl(info, options, progress)
    if fmt == "ftm":
        return info, read_jsonl(info, options, progress, flat=False)
    if fmt == "adjacency":
        return info, read_adjacency(info, options, progress)
    raise FileError(f"{path.name}: no reader for format {fmt!r}")


def peek_header(path: Path, options: ReaderOptions) -> list[str]:
    """The header of a CSV file (for pairing node and edge files), without reading on."""
    info, rows = open_rows(path, options)
    for _ in rows:
        break
    return info.columns


Progress = _Progress
