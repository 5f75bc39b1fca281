"""First loads a column at a time: a file of new nodes, mapped with Arrow, written in one go.

The batched path (:mod:`loaders.engine`) spends most of its time in Python, row by row,
and writes one COPY (or one Neo4j transaction) per batch. A *first* load of a plain file
(a people list, an organisation register) needs none of what makes that path slow: no id
exists yet, so there is nothing to read back, merge or compare. Here such a file is read
with Arrow's CSV reader, each property is computed for a whole chunk of rows at once
(names and plain text in Arrow's kernels, every other value once per distinct cell text
through the same :class:`~loaders.mapping.PropPlan` the batched path uses), and the rows
go to the store, which creates the nodes in one statement
(:meth:`GraphStore.create_nodes_bulk`), from memory or, for a large file, from a Parquet
file written as the chunks are mapped.

It gives what the batched path gives, row for row: the same nodes with the same
properties and provenance, the same report, rejections and warnings. A row whose cells
are not all decided by their text (an error, a warning, a flag, an id with odd spacing, a
row over the size limit) goes through the batched path's own mapper, one row at a time.

It applies only where that equivalence is easy to keep, and otherwise declines before
writing anything, and the engine loads the file the batched way:

* a load of one CSV file, not a dry run, with a spec that makes one node of a fixed label
  per row from its id column, no relationships, no filters, and properties whose values
  depend on their cell alone;
* text of more than one column that decodes whole (UTF-8, or another encoding that writes
  ASCII as ASCII, such as cp1252), with no carriage return outside a CRLF line end and one
  record per line (no blank line, no quoted value over several lines): then the reader
  here and the batched path's cut the file into the same cells and number the rows alike. A UTF-8 file with no
  quote character is read by Arrow; any other by Python's ``csv`` module, strictly, as the
  batched path reads a line that holds a quote (a broken quote sends the file that way);
* no node of that label in the store yet, and no id repeated in the file (the batched
  path would reconcile repeats, first value first);
* no more rows than the store takes in one write (``GraphStore.bulk_rows_limit``: for
  LadybugDB, what one COPY fits in its buffer pool, about 1M rows in the 256 MiB a load
  opens it with).

Nothing is written before every row is mapped and every check has passed. On LadybugDB
the nodes then come in one ``COPY``, all or nothing; on Neo4j, ``LOAD CSV`` commits them
5,000 at a time. Either way a load run again after a kill finds the label empty (and
writes it all) or not (and goes the batched way, which finds the nodes already there
unchanged and creates the rest).
"""

from __future__ import annotations

import codecs
import csv
import itertools
import math
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from graph_tool.model import NODE_TYPES, Label, PropType
from graph_tool.store import cypher
from graph_tool.store.arrow_types import ARROW_TYPES
from graph_tool.store.base import GraphStore, StoreError, fresh_props, node_prop_types, utc_now
from loaders.mapping import _MEMO_LIMIT, _SLOW, _UNDECIDED, NodePlan, PropPlan, RowError, SpecMapper
from loaders.readers import FileInfo, Row, _clean_header, _sniff
from loaders.spec import Spec

if TYPE_CHECKING:
    from loaders.engine import _FileLoad

CHUNK_BYTES = 4 << 20  # Arrow reads the file in blocks of this size (about 55k people rows)
# Up to this size of file the mapped nodes stay in memory (about four times the file) and
# go to the store from there; a larger file's go through a Parquet file.
IN_MEMORY_BYTES = 32 << 20
_MAPPERS = 2  # chunks mapped at once
PYTHON_ROWS = 50_000  # rows per chunk of a file read by Python's csv module
# The file is read once, by the store, right after: no compression, no statistics. (Without
# dictionaries it is written a third faster, but the store's COPY then peaks 80 MiB higher,
# too close to 1 GiB at 1M rows.) One row group per chunk lets the store read it on every core.
_PARQUET: dict[str, Any] = {"compression": "none", "write_statistics": False}

_Rejected = tuple[Row, str, str]  # a row, the field, the reason
_Chunk = tuple[pa.Table, list[_Rejected], list[str], pa.Array]  # nodes, rejections, warnings, ids

# A cell whose edges Python's str.strip() and Arrow's ASCII trim could treat differently:
# a non-ASCII character or an ASCII information separator at either end.
_ODD_EDGE = r"^[\x1c-\x1f\x{80}-\x{10FFFF}]|[\x1c-\x1f\x{80}-\x{10FFFF}]$"
_PRINTABLE_ASCII = r"^[\x20-\x7e]*$"
_ISO_DATE = r"^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}$"  # not year 0
_ID_SAFE = r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$"  # no spacing to strip at either end
_BLANK = r"^[ \t\x0b\x0c]*$"  # an id the batched path strips to nothing (and rejects)


class _Decline(Exception):
    """The file turned out to need the batched path; nothing was written."""


def spec_fits(spec: Spec) -> str | None:
    """Why a spec's files cannot be loaded column-wise, or None when they can.

    >>> from loaders.spec import load_spec
    >>> spec_fits(load_spec("people")) is None
    True
    >>> spec_fits(load_spec("phones"))
    'the spec draws relationships'
    """
    if spec.reader.format not in ("csv", "auto"):
        return f"the spec reads {spec.reader.format}"
    if spec.relationships:
        return "the spec draws relationships"
    if len(spec.nodes) != 1:
        return "the spec makes more than one node per row"
    if spec.where:
        return "the spec filters rows"
    options = spec.reader
    if options.columns or options.null_values or options.ragged != "reject":
        return "the spec's reader options (columns, null values, ragged rows)"
    nm = spec.nodes[0]
    if nm.label is None or nm.optional or nm.ref or nm.when or nm.id_column is None:
        return "the node's label, id or presence depends on the row"
    plan = NodePlan(nm)
    if not all(p.batchable for p in plan.plans[nm.label].values()):
        return "a property depends on more than its own cell"
    declared = {p.name for p in NODE_TYPES[nm.label].all_properties}
    plans = plan.plans[nm.label]
    if any(side in plans for p in plans.values() for side in p.side_names):
        return "the spec maps a property a normaliser also gives (a name key, a phone's parts)"
    if not {"sources", "source_refs", "loaded_at", "updated_at"} <= declared:
        return "the label has no provenance columns"
    return None


@dataclass
class _Column:
    """One property over a chunk: Arrow values, rows to map one at a time, side values."""

    values: pa.Array
    slow: np.ndarray  # bool per row
    sides: dict[str, pa.Array]


class BulkLoad:
    """The column-wise load of one file, for :class:`loaders.engine._FileLoad`."""

    def __init__(self, load: _FileLoad, info: FileInfo) -> None:
        self.load = load
        self.info = info
        self.by_python = False  # quotes, or not UTF-8: read by Python's csv module, not Arrow
        self.declined = ""  # why run() found the file needs the batched path
        self.spec = load.spec
        mapper = load.mapper
        assert isinstance(mapper, SpecMapper)
        self.mapper = mapper
        self.node = mapper.nodes[0]
        nm = self.node.nm
        assert nm.label is not None and nm.id_column is not None
        self.label: Label = nm.label
        self.id_column: str = nm.id_column
        self.plans: dict[str, PropPlan] = self.node.plans[self.label]
        self.types = node_prop_types(self.label)
        self.declared = set(self.types)
        # what the batched path reports, in the order it reports it (see run)
        self.rejected: list[_Rejected] = []
        self.warnings: list[str] = []

    # -- can it? ------------------------------------------------------------------------
    def file_fits(self) -> str | None:
        """Why this file must go the batched way, or None (more is checked as it is read:
        see :meth:`run`)."""
        info = self.info
        if info.format != "csv":
            return f"{info.format} file"
        if info.bad_bytes or info.nul_bytes:
            return "bytes that do not decode"
        if not _ascii_as_ascii(info.encoding):  # line ends and quotes would not be these bytes
            return f"{info.encoding} text"
        if info.size == 0:
            return "empty file"
        scan = _scan_bytes(info.path)
        if scan.cr != scan.crlf:
            return "carriage returns inside lines"
        self.by_python = scan.quotes or info.encoding not in ("utf-8", "utf-8-sig")
        self.lines = scan.newlines + (0 if scan.ends_with_newline else 1)
        limit = self.load.store.bulk_rows_limit()
        if limit is not None and self.lines - 1 > limit:
            return f"more rows than the store takes in one write ({limit:,})"
        header = scan.first_line.decode(info.encoding).rstrip("\r")
        self.delimiter = self.spec.reader.delimiter or _sniff(header)
        try:
            cells = next(csv.reader([header], delimiter=self.delimiter, strict=True)) if scan.quotes else None
        except csv.Error:
            return "broken quoting in the header"
        mark = len(info.warnings)
        self.names = _clean_header(cells if cells is not None else header.split(self.delimiter), info)
        del info.warnings[mark:]  # run() cleans the header again, for the report
        if self.id_column not in self.names:
            return "no id column"  # the batched path says what is missing
        if len(self.names) == 1:  # a line of spaces would be a row here; the batched path skips it
            return "one column"
        if self.load.store.read(cypher.count_nodes(self.label))[0]["c"]:
            return f"the store has {self.label} nodes already"
        return None

    def _options(self, include: list[str] | None = None) -> dict[str, Any]:
        """Arrow's CSV options: every column text, empty cells empty (not null), one record a line."""
        return {
            "read_options": pacsv.ReadOptions(
                block_size=CHUNK_BYTES, encoding="utf8", column_names=self.names, skip_rows=1
            ),
            "parse_options": pacsv.ParseOptions(
                delimiter=self.delimiter, quote_char=False, newlines_in_values=False, ignore_empty_lines=True
            ),
            "convert_options": pacsv.ConvertOptions(
                column_types=dict.fromkeys(include or self.names, pa.string()),
                include_columns=include or [],
                strings_can_be_null=False,
                null_values=[],
            ),
        }

    # -- the load ---------------------------------------------------------------------------
    def run(self) -> bool:
        """Load the file: map it a chunk at a time, then create its nodes in one statement
        (:meth:`GraphStore.create_nodes_bulk`).

        Two chunks are mapped at once (Arrow's kernels let go of the GIL). The nodes wait
        in memory, or for a file over ``IN_MEMORY_BYTES`` in a Parquet file. False, with
        nothing written, when the file turns out to need the batched way: a ragged row, a
        blank line, an id with spacing to tidy or one given twice.
        """
        load, info = self.load, self.info
        _clean_header(self.names, info)  # its warnings, as the batched path's reader gives them
        info.columns = self.names  # as the batched path's reader sets them on the header
        for w in self.mapper.check_columns(info):
            self.warnings.append(w)
        now = utc_now()
        schema = self._schema()
        store = load.store
        try:
            if info.size <= IN_MEMORY_BYTES:  # the nodes stay in memory: no file to write and read
                tables: list[pa.Table] = []
                rows, loaded = self._map_all(schema, now, tables.append)
                if loaded:
                    _give_back_mapping_memory()
                    store.create_nodes_bulk(self.label, pa.concat_tables(tables))
            else:  # streamed to a Parquet file, so that memory holds a chunk or two, not the file
                with tempfile.TemporaryDirectory(prefix="graph-tool-bulk-", dir=_scratch(store)) as scratch:
                    out = Path(scratch) / "nodes.parquet"
                    with pq.ParquetWriter(out, schema, **_PARQUET) as writer:
                        rows, loaded = self._map_all(schema, now, writer.write_table)
                    if loaded:
                        _give_back_mapping_memory()
                        store.create_nodes_bulk(self.label, out)
        except _Decline as exc:
            self.declined = str(exc)
            return False
        except StoreError:  # nothing written: the rows read and rejected still count
            self._account(rows, 0)
            raise
        self._account(rows, loaded)
        return True

    def _account(self, rows: int, loaded: int) -> None:
        """Put the file's rows, nodes, warnings and rejections in the report."""
        load = self.load
        fr = load.fr
        fr.bulk = True
        fr.rows_read = rows
        fr.batches = math.ceil(rows / load.batch_size)
        fr.rows_loaded = loaded
        if loaded:
            fr.count_nodes(self.label, loaded, 0, 0)
        for w in self.warnings:
            fr.warn(w)
        for row, field_name, reason in self.rejected:
            load.reject(row, field_name, reason)
        if load.progress is not None:
            load.progress.done = self.info.size

    def _map_all(self, schema: pa.Schema, now: str, keep: Callable[[pa.Table], Any]) -> tuple[int, int]:
        """Map every chunk, handing its nodes to ``keep``; (rows, nodes). Raises _Decline,
        before anything is written, when the file turns out not to fit."""
        rows = loaded = 0
        ids: list[pa.Array] = []
        try:
            for batch, chunk in self._mapped(schema, now):
                rows += batch.num_rows
                loaded += self._settle(chunk)
                ids.append(chunk[3])
                keep(chunk[0])
        except pa.ArrowInvalid:  # a ragged row: the batched path rejects it
            raise _Decline("a row with too many or too few cells") from None
        if rows != self.lines - 1:  # blank lines, which the batched path numbers
            raise _Decline("blank lines")
        every = pa.chunked_array(ids, pa.string())
        if pc.count_distinct(every).as_py() != len(every):  # the batched path reconciles repeats
            raise _Decline("an id given more than once")
        return rows, loaded

    def _settle(self, chunk: _Chunk) -> int:
        """Keep a mapped chunk's rejections and warnings, move the progress bar on; its nodes."""
        table, rejected, warnings, _ = chunk
        self.rejected.extend(rejected)
        self.warnings.extend(warnings)
        progress = self.load.progress
        if progress is not None:
            progress.done = min(self.info.size, progress.done + CHUNK_BYTES)
            if self.load.tick is not None:
                self.load.tick()
        return int(table.num_rows)

    def _mapped(self, schema: pa.Schema, now: str) -> Iterator[tuple[pa.RecordBatch, _Chunk]]:
        """Each chunk of the file with its nodes, rejections and warnings, in file order;
        up to ``_MAPPERS`` chunks are mapped at once."""
        reader = self._python_batches() if self.by_python else pacsv.open_csv(self.info.path, **self._options())
        source = self.load.source
        prefix = f"{source}:{self.info.name}:"
        window: deque[tuple[pa.RecordBatch, Future[_Chunk]]] = deque()
        before = 0
        if self.info.size <= CHUNK_BYTES:  # one chunk: no thread to start and hand it to
            for batch in reader:
                yield batch, self._chunk(batch, before, schema, source, prefix, now)
                before += batch.num_rows
            return
        with ThreadPoolExecutor(max_workers=_MAPPERS, thread_name_prefix="graph-tool-bulk") as pool:
            for batch in reader:
                window.append((batch, pool.submit(self._chunk, batch, before, schema, source, prefix, now)))
                before += batch.num_rows
                if len(window) > _MAPPERS:
                    done, future = window.popleft()
                    yield done, future.result()
            while window:
                done, future = window.popleft()
                yield done, future.result()

    def _python_batches(self) -> Iterator[pa.RecordBatch]:
        """The records of a file with quotes or not in UTF-8, as Arrow batches of text, read
        by Python's csv module strictly, as the batched path reads a line with a quote in it
        (and one without: the same cells as its split on the delimiter). Raises
        _Decline where that path would reject a row or number the rows differently: broken
        quoting, a value over several lines, a ragged or blank row."""
        names, width = self.names, len(self.names)
        with self.info.path.open("r", encoding=self.info.encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter, strict=True)
            read = 0
            try:
                next(reader)  # the header, read by file_fits
                while rows := list(itertools.islice(reader, PYTHON_ROWS)):
                    read += len(rows)
                    if reader.line_num != read + 1 or any(len(r) != width for r in rows):
                        raise _Decline("a record over several lines, a blank line or a ragged row")
                    columns = [pa.array(c, pa.string()) for c in zip(*rows, strict=True)]
                    yield pa.RecordBatch.from_arrays(columns, names=names)
            except csv.Error:
                raise _Decline("broken quoting") from None

    def _schema(self) -> pa.Schema:
        """The columns written: id, the mapped properties, their side properties, provenance."""
        names = ["id", *self.plans]
        for plan in self.plans.values():
            names.extend(s for s in plan.side_names if s in self.declared and s not in names)
        if "attrs" in self.declared and "attrs" not in names:
            names.append("attrs")
        names.extend(("sources", "source_refs", "loaded_at", "updated_at"))
        return pa.schema([(n, ARROW_TYPES[self.types[n]] if n != "id" else pa.string()) for n in names])

    def _chunk(
        self, batch: pa.RecordBatch, before: int, schema: pa.Schema, source: str, prefix: str, now: str
    ) -> _Chunk:
        """One chunk's nodes as a table (rows not decided by their cells mapped one at a
        time), and the rejections and warnings of those rows, in row order."""
        n = batch.num_rows
        first_row = before + 2  # the header is row 1
        raw_ids = batch.column(self.id_column)
        safe = _mask(pc.match_substring_regex(raw_ids, _ID_SAFE))
        if not safe.all() and not (safe | _mask(pc.match_substring_regex(raw_ids, _BLANK))).all():
            raise _Decline("an id with spaces to tidy")  # the batched path strips them
        dirty = ~safe  # a blank id: the batched path rejects the row
        total = pc.utf8_length(batch.column(0))  # the row's characters, as check_sizes counts them
        for col in batch.columns[1:]:
            total = pc.add(total, pc.utf8_length(col))
        dirty |= _mask(pc.greater(total, self.spec.max_field_chars))
        columns: dict[str, pa.Array] = {"id": pc.binary_join_element_wise(self.node.nm.id_prefix, raw_ids, "")}
        for name, plan in self.plans.items():
            cells = batch.column(plan.pm.column) if plan.pm.column in batch.schema.names else None
            col = _prop_column(plan, cells, n)
            dirty |= col.slow
            columns[name] = col.values
            for side, values in col.sides.items():
                if side in self.declared and side not in columns:
                    columns[side] = values
        rownums = pa.array(np.arange(first_row, first_row + n, dtype=np.int64))
        columns["sources"] = _repeat_list(source, n)
        columns["source_refs"] = pa.ListArray.from_arrays(
            pa.array(np.arange(n + 1, dtype=np.int32)),
            pc.binary_join_element_wise(prefix, pc.cast(rownums, pa.string()), ""),
        )
        columns["loaded_at"] = columns["updated_at"] = pa.array([now] * n, pa.string())
        arrays = []
        for f in schema:
            arr = columns.get(f.name)
            arrays.append(pa.nulls(n, f.type) if arr is None else arr.cast(f.type))
        table = pa.Table.from_arrays(arrays, schema=schema)
        ids = raw_ids.filter(pa.array(safe))
        if not dirty.any():
            return table, [], [], ids
        table = table.filter(pa.array(~dirty))
        extra, rejected, warnings = self._one_by_one(batch, np.flatnonzero(dirty), first_row, schema, source, now)
        if extra:
            table = pa.concat_tables([table, pa.Table.from_pylist(extra, schema=schema)])
        return table, rejected, warnings, ids

    def _one_by_one(
        self, batch: pa.RecordBatch, where: np.ndarray, first_row: int, schema: pa.Schema, source: str, now: str
    ) -> tuple[list[dict[str, Any]], list[_Rejected], list[str]]:
        """The rows ``where`` through the batched path's mapper: their nodes as rows, the
        rejected rows, the warnings."""
        info = self.info
        names = batch.schema.names
        picked = batch.take(pa.array(where)).to_pylist()
        rows = [
            Row(info.name, first_row + int(i), {k: values[k] for k in names}, None, None, str(info.path))
            for i, values in zip(where, picked, strict=True)
        ]
        allowed = set(schema.names)
        out: list[dict[str, Any]] = []
        rejected: list[_Rejected] = []
        warnings: list[str] = []
        for row, mapped in zip(rows, self.mapper.map_batch(rows), strict=True):
            assert mapped is not None  # the spec has no filter (spec_fits)
            if isinstance(mapped, RowError):
                rejected.append((row, mapped.field, mapped.reason))
                continue
            for w in mapped.warnings:
                warnings.append(f"{row.ref}:{w}")
            (rec,) = mapped.nodes  # one node of a fixed label, no refs or edges (spec_fits)
            props = fresh_props(self.types, rec.props, str(self.label))
            props.update(
                id=rec.id,
                sources=[source],
                source_refs=[f"{source}:{rec.source_ref}"],
                loaded_at=now,
                updated_at=now,
            )
            unknown = set(props) - allowed
            if unknown:  # a property spec_fits did not foresee: a bug, not the file's fault
                raise AssertionError(f"{row.ref}: unexpected properties {sorted(unknown)}")
            out.append(props)
        return out, rejected, warnings


@dataclass
class _ByteScan:
    quotes: bool
    cr: int
    crlf: int
    newlines: int
    ends_with_newline: bool
    first_line: bytes


def _scan_bytes(path: Path) -> _ByteScan:
    """Quote characters, line ends and the first line of a file, in one pass over its bytes."""
    quotes, cr, crlf, newlines, last, first = False, 0, 0, 0, b"", b""
    with path.open("rb") as fh:
        while block := fh.read(CHUNK_BYTES):
            if not first:
                first = block.split(b"\n", 1)[0]
            quotes = quotes or b'"' in block
            cr += block.count(b"\r")
            crlf += block.count(b"\r\n") + (last == b"\r" and block[:1] == b"\n")
            newlines += block.count(b"\n")
            last = block[-1:]
    return _ByteScan(quotes, cr, crlf, newlines, last == b"\n", first)


def _ascii_as_ascii(encoding: str) -> bool:
    """Whether ``encoding`` writes the characters that cut a CSV file as their ASCII bytes
    (UTF-8, cp1252, Latin-1: yes; UTF-16, UTF-7: no).

    >>> _ascii_as_ascii("cp1252"), _ascii_as_ascii("utf-16"), _ascii_as_ascii("utf-8-sig")
    (True, False, True)
    """
    probe = '\r\n",;\t|'
    try:
        return codecs.encode(probe, encoding).removeprefix(codecs.BOM_UTF8) == probe.encode("ascii")
    except (LookupError, UnicodeError):
        return False


def _give_back_mapping_memory() -> None:
    """Return to the system what Arrow's allocator kept of the mapping's freed memory, before
    the store's bulk write needs its own: at 1M people rows, mimalloc held 200 MiB with
    nothing allocated, and the load peaked at 796-945 MiB during the COPY; 601 MiB after
    this."""
    pa.default_memory_pool().release_unused()


def _scratch(store: GraphStore) -> str | None:
    """Where the Parquet file goes: beside an embedded case, else the system's temp folder."""
    folder = getattr(store, "folder", None)
    return str(folder) if isinstance(folder, Path) and folder.is_dir() else None


def _mask(arr: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy (nulls as False). (Not ``pc.fill_null``, whose first
    call imports pandas: a third of a second.)"""
    if arr.null_count:
        arr = pc.coalesce(arr, pa.scalar(False))
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def _repeat_list(value: str, n: int) -> pa.Array:
    """``[value]`` n times, as a list<string> array."""
    return pa.ListArray.from_arrays(pa.array(np.arange(n + 1, dtype=np.int32)), pa.array([value] * n, pa.string()))


# --- one property over a chunk -----------------------------------------------------------------


def _prop_column(plan: PropPlan, cells: pa.Array | None, n: int) -> _Column:
    """``plan``'s values for a chunk's cells (None: the file lacks the column)."""
    if cells is None:
        return _by_text(plan, pa.nulls(n, pa.string()))
    if plan.plain:
        fast = ~_mask(pc.match_substring_regex(cells, _ODD_EDGE))
        trimmed = pc.ascii_trim_whitespace(cells)
        values = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
        return _combine(plan, cells, fast, _Column(values, np.zeros(n, dtype=bool), {}))
    if plan.direct and plan.normaliser == "name":
        trimmed = pc.utf8_trim(cells, " ")
        fast = _mask(pc.match_substring_regex(cells, _PRINTABLE_ASCII)) & _mask(pc.not_equal(trimmed, ""))
        tidy = pc.replace_substring_regex(trimmed, "  +", " ")
        sides = {"name_key": _ascii_name_keys(tidy)} if plan.name == "name" else {}
        return _combine(plan, cells, fast, _Column(tidy, np.zeros(n, dtype=bool), sides))
    if plan.direct and plan.normaliser == "date" and plan.formats is None:
        return _on_distinct(lambda texts: _iso_dates(plan, texts), cells)
    return _by_text(plan, cells)


def _iso_dates(plan: PropPlan, cells: pa.Array) -> _Column:
    """Dates: ISO dates that Arrow reads and writes back unchanged are what normalise_date
    gives back unchanged (it refuses year 0000; Arrow rolls 30 February over into March)."""
    parsed = pc.strptime(cells, format="%Y-%m-%d", unit="s", error_is_null=True)
    same = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), cells)
    fast = _mask(pc.and_(pc.match_substring_regex(cells, _ISO_DATE), same))
    return _combine(plan, cells, fast, _Column(cells, np.zeros(len(cells), dtype=bool), {}))


def _on_distinct(compute: Callable[[pa.Array], _Column], cells: pa.Array) -> _Column:
    """``compute`` of each distinct cell text once, spread back over the rows."""
    encoded = pc.dictionary_encode(cells, null_encoding="encode")
    indices = encoded.indices
    done = compute(encoded.dictionary)
    at = indices.to_numpy(zero_copy_only=False)
    return _Column(done.values.take(indices), done.slow[at], {k: v.take(indices) for k, v in done.sides.items()})


def _combine(plan: PropPlan, cells: pa.Array, fast: np.ndarray, column: _Column) -> _Column:
    """``column`` where ``fast``, the cell-by-cell outcomes elsewhere."""
    if fast.all():
        return column
    where = np.flatnonzero(~fast)
    other = _by_text(plan, cells.take(pa.array(where)))
    keep = pa.array(fast)

    def merged(a: pa.Array | None, b: pa.Array | None, dtype: pa.DataType) -> pa.Array:
        a = a.filter(keep).cast(dtype) if a is not None else pa.nulls(len(fast) - len(where), dtype)
        return _interleave(fast, a, b.cast(dtype) if b is not None else pa.nulls(len(where), dtype))

    slow = column.slow.copy()
    slow[where] = other.slow
    sides = {
        name: merged(column.sides.get(name), other.sides.get(name), _side_type(column, other, name))
        for name in {*column.sides, *other.sides}
    }
    return _Column(merged(column.values, other.values, column.values.type), slow, sides)


def _interleave(first: np.ndarray, a: pa.Array, b: pa.Array) -> pa.Array:
    """The rows where ``first`` is true from ``a``, the others from ``b``, in order.

    >>> _interleave(np.array([True, False, True]), pa.array(["a", "c"]), pa.array(["B"])).to_pylist()
    ['a', 'B', 'c']
    """
    order = np.empty(len(first), dtype=np.int64)
    order[first] = np.arange(len(a))
    order[~first] = len(a) + np.arange(len(b))
    return pa.concat_arrays([a, b]).take(pa.array(order))


def _side_type(a: _Column, b: _Column, name: str) -> pa.DataType:
    for col in (a, b):
        if name in col.sides and col.sides[name].type != pa.null():
            return col.sides[name].type
    return pa.string()


def _by_text(plan: PropPlan, cells: pa.Array) -> _Column:
    """Each distinct cell text through the plan once (as the batched path's ``column``)."""
    encoded = pc.dictionary_encode(cells, null_encoding="encode")
    distinct = encoded.dictionary.to_pylist()
    cache = plan.outcomes
    outcomes = []
    for c in distinct:
        o = cache.get(c)
        if o is None:
            o = plan._outcome(c)
            if len(cache) < _MEMO_LIMIT:
                cache[c] = o
        outcomes.append(o)
    indices = encoded.indices
    slow_u = np.array([o is _SLOW or o[0] is _UNDECIDED for o in outcomes], dtype=bool)
    values_u = [None if o[0] is _UNDECIDED else o[0] for o in outcomes]
    dtype = ARROW_TYPES[plan.ptype]
    try:
        values = pa.array(values_u, dtype).take(indices)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a value of another type: every such row one by one
        bad = np.array([v is not None and not _fits(v, plan.ptype) for v in values_u], dtype=bool)
        slow_u |= bad
        values = pa.array([None if b else v for v, b in zip(values_u, bad, strict=True)], dtype).take(indices)
    side_names = {k for o in outcomes if o[1] for k in o[1]}
    sides = {name: pa.array([(o[1] or {}).get(name) for o in outcomes]).take(indices) for name in side_names}
    slow = slow_u[indices.to_numpy(zero_copy_only=False)] if len(distinct) else np.zeros(len(cells), dtype=bool)
    return _Column(values, slow, sides)


def _fits(value: Any, ptype: PropType) -> bool:
    try:
        pa.array([value], ARROW_TYPES[ptype])
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False
    return True


def _ascii_name_keys(tidy: pa.Array) -> pa.Array:
    """``normalise.tidy_name_key`` of printable ASCII names, for a whole column: lower case,
    ASCII apostrophes dropped, runs of letters and digits, sorted, joined by spaces."""
    low = pc.replace_substring_regex(pc.ascii_lower(tidy), "['`]", "")
    # Most names are letters, digits and single spaces: a plain split; the rest by pattern.
    plain = _mask(pc.match_substring_regex(low, "^[0-9a-z]+( [0-9a-z]+)*$"))
    if plain.all():
        tokens = pc.split_pattern(low, " ")
    else:
        tokens = _interleave(
            plain,
            pc.split_pattern(low.filter(pa.array(plain)), " "),
            pc.split_pattern_regex(low.filter(pa.array(~plain)), "[^0-9a-z]+"),
        )
    flat = pc.list_flatten(tokens)
    parents = pc.list_parent_indices(tokens)
    keep = pc.not_equal(pc.binary_length(flat), 0)
    flat, parents = flat.filter(keep), parents.filter(keep)
    order = pc.sort_indices(pa.table({"p": parents, "t": flat}), sort_keys=[("p", "ascending"), ("t", "ascending")])
    counts = np.bincount(parents.to_numpy(), minlength=len(tidy))
    offsets = np.zeros(len(tidy) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    keys = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), flat.take(order)), " ")
    return pc.if_else(pc.equal(keys, ""), pa.scalar(None, pa.string()), keys)  # no letters: no key
