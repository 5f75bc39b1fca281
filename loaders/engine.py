"""The load engine: read, map, check, batch and write, with a report.

:func:`load_files` applies one spec to one or more files. Each file is read as a stream and
cut into batches of ``batch_size`` rows. For each batch the engine

1. maps every row (:mod:`loaders.mapping`, or :mod:`loaders.formats` for FtM and node/edge
   files); a row that fails is rejected with ``file:row:field: reason`` and the others go on;
2. checks that every node a row only refers to (a person id in a phone list, a holder id on
   a document) exists, in the store or in the batch; a row whose reference is missing is
   rejected whole, before anything of it is written;
3. reconciles records of one id: **the first value wins**. When a later row gives the same
   node (or relationship) a different value for a property, that value is not written and a
   conflict warning names both rows and the properties; a later row may still fill a
   property the first left empty, and list properties (aliases, roles, indicators)
   accumulate. Across separate loads the store's rule applies (the newest value wins), so a
   corrected file updates what an earlier one wrote;
4. upserts the nodes, then the relationships (both stores decide what is new before
   writing), and counts what was created, updated and unchanged per label and type;
5. records the batch as committed in a checkpoint file, once the store says its writes would
   survive a kill (the embedded store checkpoints every few batches during a load).

After the last batch a ``Source`` node records the file (name, file, spec, rows, sha256).

**First loads**: a load of one plain CSV file into a label with no nodes yet is written
column-wise, in one go, by :mod:`loaders.bulk`, with the same report, rejections and
graph; it hands the file back to the batches above whenever it could not give the same.

**Dry run**: the same, through :class:`~loaders.dryrun.DryRunStore`, which reads the store
to plan every upsert and writes nothing. **Idempotent**: ids are stable, so loading the same
files again reports 0 created and 0 updated. **Resumable**: after an interruption (Ctrl-C,
a kill), ``resume=True`` skips writing the batches a checkpoint says were committed (they
are still read and mapped, so the report covers the whole file); the batch that was being
written when the load stopped is written again, which changes nothing it already wrote.
Checkpoints live in the case folder (``load-checkpoints/``) for the embedded store, in
``~/.cache/graph-tool/load-checkpoints/`` for Neo4j, and are removed when a file completes.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from graph_tool.model import Label, PropType, Rel
from graph_tool.store.base import (
    EdgeRecord,
    GraphStore,
    NodeRecord,
    StoreError,
    WriteResult,
    node_prop_types,
    rel_prop_types,
)
from loaders.bulk import BulkLoad, spec_fits
from loaders.dryrun import DryRunStore
from loaders.formats import FtmMapper, NodesEdgesMapper
from loaders.mapping import Mapped, RowError, SpecMapper
from loaders.readers import FileError, FileInfo, Progress, Row, file_format, open_rows
from loaders.report import FileReport, LoadReport, RejectsWriter
from loaders.spec import Spec, load_spec

DEFAULT_BATCH = 10_000
_LOOKUP_CHUNK = 20_000


class RowMapper(Protocol):
    """What the engine needs of a mapper."""

    def plan(self, paths: list[Path]) -> list[Path]: ...

    def start_file(self, source: str, path: Path) -> None: ...

    def check_columns(self, info: FileInfo) -> list[str]: ...

    def map(self, row: Row) -> Mapped | None: ...

    def map_batch(self, rows: Sequence[Row]) -> list[Mapped | RowError | None]: ...


class LoadInterrupted(Exception):
    """The load was interrupted (Ctrl-C); ``report`` says how far it got."""

    def __init__(self, report: LoadReport) -> None:
        super().__init__("load interrupted")
        self.report = report


def mapper_for(spec: Spec) -> RowMapper:
    """The mapper for a spec's format."""
    if spec.reader.format == "ftm":
        return FtmMapper(spec)
    if spec.reader.format == "nodes-edges":
        return NodesEdgesMapper(spec)
    return SpecMapper(spec)


def source_id(spec: Spec, path: Path) -> str:
    """The stable id of the Source a file loaded with a spec becomes: ``spec:file name``.

    It does not depend on the content, so a corrected copy of a file updates what the
    earlier copy loaded, and the same file loaded again changes nothing.
    """
    return f"{spec.name}:{path.name}"


# --- conflict tracking ------------------------------------------------------------------


_BITS = 21  # per property: 1 presence bit and a 20-bit hash of the value
_MASK = (1 << 20) - 1
_PRESENT = 1 << 20
_ENTRY = (1 << _BITS) - 1


_ROW_BITS = 64  # the low bits of an entry: the row that first gave the id (file << 32 | row)
_ROW_MASK = (1 << _ROW_BITS) - 1


def _digest(value: Any) -> int:
    """A value's 20-bit hash in the tracker: text's own (well mixed), a number's from its
    text. A float's or an int's own hash keeps its structure in its low bits: the latitudes
    52.62798 and 52.65653 share their low 20, so a conflict between two rows of one address
    went unseen and the later value overwrote the first (and a second load "updated" it).

    >>> _digest(52.62798) != _digest(52.65653), _digest(1) != _digest(1 + 2**20)
    (True, True)
    """
    return hash(value if value.__class__ is str else repr(value)) & _MASK


class Tracker:
    """The first value of every scalar property of every id, compactly, for one load.

    Each id is kept as the hash of its key (this process's own 64-bit string hash: a
    collision among a million ids has a chance of about one in 10^7, and would at worst
    report a conflict that is not one or leave a missing endpoint to the store, which
    rejects it) mapped to one integer: a 20-bit hash per property with a presence bit,
    above the row that first gave the id. A million ids take about 150 MB, not a copy of
    the data.
    """

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}
        # Per kind (label or type): each scalar property's bit offset; None for a list.
        self.slots: dict[str, dict[str, int | None]] = {}
        self.files: list[str] = []

    def file_code(self, name: str) -> int:
        self.files.append(name)
        return len(self.files) - 1

    def where(self, code: int) -> str:
        return f"{self.files[code >> 32]}:{code & 0xFFFFFFFF}"

    def __contains__(self, key: str) -> bool:
        return hash(key) in self.seen

    @staticmethod
    def _slot(slots: dict[str, int | None], name: str, types: dict[str, PropType]) -> int | None:
        """The bit offset of a property of a kind, given in the order properties are first seen."""
        if types.get(name) is PropType.STRING_LIST:
            slots[name] = None
            return None
        slot = slots[name] = sum(1 for v in slots.values() if v is not None) * _BITS
        return slot

    def check(
        self, kind: str, key: str, props: Mapping[str, Any], types: dict[str, PropType], code: int
    ) -> tuple[Mapping[str, Any], list[str], int]:
        """Props with conflicting values removed, the conflicting names, the first row.

        ``props`` is never changed: a new dict is returned when something is removed.
        """
        hkey = hash(key)
        entry = self.seen.get(hkey)
        slots = self.slots.get(kind)
        if slots is None:
            slots = self.slots[kind] = {}
        if entry is None:  # a new id (most of a load): record its values, nothing to compare
            packed = 0
            for name, value in props.items():
                if value is None:
                    continue
                shift = slots[name] if name in slots else self._slot(slots, name, types)
                if shift is not None:
                    packed |= (_digest(value) | _PRESENT) << shift
            self.seen[hkey] = packed << _ROW_BITS | code
            return props, [], code
        packed, first = entry >> _ROW_BITS, entry & _ROW_MASK
        conflicts: list[str] = []
        for name, value in props.items():
            if value is None:
                continue
            shift = slots[name] if name in slots else self._slot(slots, name, types)
            if shift is None:
                continue
            h = _digest(value) | _PRESENT
            old = (packed >> shift) & _ENTRY
            if not old:
                packed |= h << shift
            elif old != h:
                conflicts.append(name)
        self.seen[hkey] = packed << _ROW_BITS | first
        if conflicts:
            return {k: v for k, v in props.items() if k not in conflicts}, conflicts, first
        return props, conflicts, first


# --- checkpoints ------------------------------------------------------------------------


class Checkpoints:
    """Which batches of which file were committed, in files beside the store."""

    def __init__(self, store: GraphStore, folder: Path | None = None) -> None:
        if folder is None:
            case = getattr(store, "folder", None)
            if isinstance(case, Path):
                folder = case / "load-checkpoints"
            else:
                digest = hashlib.sha256(store.describe().encode()).hexdigest()[:12]
                folder = Path.home() / ".cache" / "graph-tool" / "load-checkpoints" / digest
        self.folder = folder

    def path(self, source: str, sha256: str, spec: Spec, batch_size: int) -> Path:
        key = hashlib.sha256(f"{source}\x1f{sha256}\x1f{spec.text}\x1f{batch_size}".encode()).hexdigest()[:24]
        return self.folder / f"{key}.json"

    def committed(self, path: Path) -> int:
        try:
            return int(json.loads(path.read_text(encoding="utf-8"))["batches"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def save(self, path: Path, source: str, batches: int, last_row: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"source": source, "batches": batches, "last_row": last_row}), encoding="utf-8")
        os.replace(tmp, path)

    def clear(self, path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


# --- the load of one file ------------------------------------------------------------------


@dataclass
class _Pending:
    row: Row
    edges: list[EdgeRecord]
    refs: list[tuple[Label, str, str]]  # (label, id, field) still missing


@dataclass
class LoadState:
    """What lives across the files of one load (one command, or one case folder)."""

    tracker: Tracker = field(default_factory=Tracker)
    known: set[tuple[Label, str]] = field(default_factory=set)  # ids found in the store
    dry: DryRunStore | None = None  # a dry run's overlay, seen by every file of the load


# What a batch's writes changed, counted once they are done: (node?, label or type, WriteResult).
_Counts = list[tuple[bool, str, WriteResult]]
# A batch written but not yet accounted for: its rows, failed rows, counts, skipped?, checkpoint, last row.
_Unsettled = tuple[list[tuple[Row, Mapped]], dict[str, tuple[str, str]], _Counts, bool, Path | None, int]


class _FileLoad:
    def __init__(
        self,
        store: GraphStore,
        spec: Spec,
        mapper: RowMapper,
        path: Path,
        state: LoadState,
        *,
        write: bool,
        batch_size: int,
        resume: bool,
        rejects: Path | None,
        checkpoints: Checkpoints | None,
        progress: Progress | None,
        on_batch: Callable[[FileReport, int], None] | None,
        tick: Callable[[], None] | None,
        bulk: bool = False,
    ) -> None:
        self.store = store
        self.spec = spec
        self.mapper = mapper
        self.path = path
        self.state = state
        self.write = write
        self.batch_size = max(1, batch_size)
        self.resume = resume
        self.rejects_path = rejects
        self.checkpoints = checkpoints
        self.progress = progress
        self.on_batch = on_batch
        self.tick = tick
        self.source = source_id(spec, path)
        self.fr = FileReport(path.name, str(path), self.source, spec.name)
        self.rejects: RejectsWriter | None = None
        self.deferred: list[_Pending] = []
        # The last batch written but not yet accounted for (see _batch).
        self.unsettled: _Unsettled | None = None
        # Ids an earlier file of the load gave first, since given a row reference by this
        # file (see _reconcile); ids this file gave first are told by the tracker.
        self.cited: set[str] = set()
        # The checkpoint of the last batch settled, until the store says its writes are
        # durable (see save_checkpoint): (file, batches, last row).
        self.unsaved: tuple[Path, int, int] | None = None
        self.code = state.tracker.file_code(path.name) << 32
        self.bulk = bulk

    # -- rows ---------------------------------------------------------------------------
    def reject(self, row: Row, field_name: str, reason: str) -> None:
        self.fr.reject(row.row, field_name, reason)
        if self.rejects is not None:
            self.rejects.write(row, field_name, reason)

    def run(self) -> FileReport:
        fr = self.fr
        started = time.perf_counter()
        try:
            info, rows = open_rows(self.path, self.spec.reader, self.progress)
        except FileError as exc:
            fr.fail(str(exc))
            return fr
        fr.format, fr.encoding, fr.sha256 = info.format, info.encoding, info.sha256
        if self.rejects_path is not None:
            self.rejects = RejectsWriter(self.rejects_path, info)
        checkpoint = None
        skip = 0
        if self.checkpoints is not None:
            checkpoint = self.checkpoints.path(self.source, info.sha256, self.spec, self.batch_size)
            done = self.checkpoints.committed(checkpoint)
            if done and self.resume:
                skip = done
                fr.warn(f"{fr.file}: resuming: batches 1-{done} were committed by an earlier load")
            elif done:
                fr.warn(f"{fr.file}: an earlier load stopped after batch {done}; loading all of it again")
        try:
            self.mapper.start_file(self.source, self.path)
            buffer: list[Row] = []  # rows read, mapped a batch at a time
            checked = False
            if self.bulk and not skip and self._bulk(info):
                rows = iter(())  # loaded column-wise (its column warnings given): nothing left
                checked = True
            for row in rows:
                if not checked:
                    for w in self.mapper.check_columns(info):
                        fr.warn(w)
                    checked = True
                fr.rows_read += 1
                buffer.append(row)
                if len(buffer) >= self.batch_size:
                    self._batch(self._map(buffer), fr.batches < skip, checkpoint, row.row)
                    buffer = []
            if not checked:
                for w in self.mapper.check_columns(info):
                    fr.warn(w)
            if buffer:
                self._batch(self._map(buffer), fr.batches < skip, checkpoint, buffer[-1].row)
            self._settle()
            self._finish_deferred()
            self._write_source(info)
        except FileError as exc:
            self._settle()  # the batch before the broken part was written: count it
            fr.fail(str(exc))
        finally:
            if self.rejects is not None:
                self.rejects.close()
                if self.rejects.count:
                    fr.rejects_file = str(self.rejects.path)
        for w in info.warnings:
            fr.warn(w)
        if fr.error is None and checkpoint is not None and self.checkpoints is not None:
            self.checkpoints.clear(checkpoint)
            self.unsaved = None
        fr.seconds = round(time.perf_counter() - started, 3)
        return fr

    def _bulk(self, info: FileInfo) -> bool:
        """Load the file column-wise (:mod:`loaders.bulk`) if it fits; False, with nothing
        written or reported, when it must go the batched way."""
        load = BulkLoad(self, info)
        why = load.file_fits()
        if why is not None:
            self.fr.batched_because = why
            return False
        mark = len(info.warnings)
        if not load.run():
            del info.warnings[mark:]  # the batched path's reader gives them again
            self.fr.batched_because = load.declined
            return False
        return True

    # -- batches ------------------------------------------------------------------------
    def _map(self, rows: list[Row]) -> list[tuple[Row, Mapped]]:
        """Map a batch of rows; reject, in row order, those that cannot be read or mapped."""
        fr = self.fr
        results = iter(self.mapper.map_batch([row for row in rows if row.error is None]))
        batch: list[tuple[Row, Mapped]] = []
        for row in rows:
            if row.error is not None:
                self.reject(row, *row.error)
                continue
            mapped = next(results)
            if mapped is None:
                fr.rows_skipped += 1
            elif isinstance(mapped, RowError):
                self.reject(row, mapped.field, mapped.reason)
            else:
                if mapped.warnings:
                    ref = row.ref
                    for w in mapped.warnings:
                        fr.warn(f"{ref}:{w}")
                batch.append((row, mapped))
        return batch

    def _batch(self, batch: list[tuple[Row, Mapped]], skip: bool, checkpoint: Path | None, last_row: int) -> None:
        """Plan and queue one batch's writes; it is accounted for once they are done.

        Under :meth:`GraphStore.pipelined_writes` the database writes this batch while the
        next one is read and mapped; :meth:`_settle` then waits for it, counts its rows and
        saves its checkpoint, so a checkpoint never claims a batch before it is committed.
        """
        self._settle()
        fr = self.fr
        fr.batches += 1
        accepted = self._check_refs(batch)
        nodes, edges = self._reconcile(accepted)
        failed: dict[str, tuple[str, str]] = {}
        counts: _Counts = []
        if skip:
            fr.batches_resumed += 1
        else:
            counts = self._write(nodes, edges, failed)
        self.unsettled = (accepted, failed, counts, skip, checkpoint, last_row)

    def _settle(self) -> None:
        """Wait for the queued batch's writes, then count its rows, nodes and relationships
        and save its checkpoint (a batch the store refuses counts none of them)."""
        if self.unsettled is None:
            return
        self.store.drain()
        accepted, failed, counts, skip, checkpoint, last_row = self.unsettled
        self.unsettled = None
        fr = self.fr
        self._count(counts)
        if not failed and not self.deferred:  # the usual case: every row of the batch is loaded
            fr.rows_loaded += len(accepted)
        else:
            pending = {id(p.row) for p in self.deferred}
            for row, _ in accepted:
                if row.ref in failed:
                    self.reject(row, *failed[row.ref])
                elif id(row) not in pending:
                    fr.rows_loaded += 1
        if self.write and not skip and checkpoint is not None:
            self.unsaved = (checkpoint, fr.batches, last_row)
            self.save_checkpoint()
        if self.tick is not None:
            self.tick()
        if self.on_batch is not None:
            self.on_batch(fr, fr.batches)

    def save_checkpoint(self) -> None:
        """Record the last settled batch as committed, once the store says a kill would not
        lose it (the embedded store checkpoints every few batches during a load, and when
        the load's writes end: the caller tries again then)."""
        if self.unsaved is None or self.checkpoints is None or not self.store.writes_durable():
            return
        path, batches, last_row = self.unsaved
        self.checkpoints.save(path, self.source, batches, last_row)
        self.unsaved = None

    def _check_refs(self, batch: list[tuple[Row, Mapped]]) -> list[tuple[Row, Mapped]]:
        if not any(m.refs for _, m in batch):  # rows that only make nodes: nothing to check
            return batch
        produced = {(n.label, n.id) for _, m in batch for n in m.nodes}
        tracker, known = self.state.tracker, self.state.known
        need: dict[Label, set[str]] = {}
        for _, m in batch:
            for r in m.refs:
                k = (r.label, r.id)
                if k not in produced and k not in known and _node_key(r.label, r.id) not in tracker:
                    need.setdefault(r.label, set()).add(r.id)
        for label, ids in need.items():
            self._lookup(label, sorted(ids))
        accepted = []
        for row, m in batch:
            missing = [
                r
                for r in m.refs
                if (r.label, r.id) not in produced
                and (r.label, r.id) not in known
                and _node_key(r.label, r.id) not in tracker
            ]
            hard = [r for r in missing if not r.deferrable]
            if hard:
                r = hard[0]
                self.reject(row, r.field, f"no {r.label} with id {r.id!r} (load it first)")
                continue
            if missing:
                keys = {(r.label, r.id) for r in missing}
                later = [
                    e for e in m.edges if (e.source_label, e.source_id) in keys or (e.target_label, e.target_id) in keys
                ]
                m.edges = [e for e in m.edges if e not in later]
                self.deferred.append(_Pending(row, later, [(r.label, r.id, r.field) for r in missing]))
            accepted.append((row, m))
        return accepted

    def _lookup(self, label: Label, ids: list[str]) -> None:
        self.store.drain()
        known = self.state.known
        if len(known) > 2_000_000:
            known.clear()
        for i in range(0, len(ids), _LOOKUP_CHUNK):
            for node in self.store.get_nodes(label, ids[i : i + _LOOKUP_CHUNK]):
                known.add((label, node.id))

    def _reconcile(
        self, accepted: list[tuple[Row, Mapped]]
    ) -> tuple[dict[Label, dict[str, NodeRecord]], dict[Rel, dict[str, EdgeRecord]]]:
        """A batch's records, one per id: values checked against the load's first values,
        repeats within the batch merged, and the row reference only from the first row of
        the file that gave the id.

        A phone in 5,000 call records is referenced by its first call (and its subscriber
        row, another file); the calls themselves are relationships with their own rows. A
        reference from each batch that mentioned it, as before, rewrote every such node in
        every batch of a call-record file and made the list depend on the batch size.
        """
        tracker = self.state.tracker
        nodes: dict[Label, dict[str, NodeRecord]] = {}
        edges: dict[Rel, dict[str, EdgeRecord]] = {}
        for row, m in accepted:
            code = self.code | row.row
            for n in m.nodes:
                label = n.label if n.label.__class__ is Label else Label(n.label)
                types = _node_types(label)
                key = _node_key(label, n.id)
                props, conflicts, first = tracker.check(label, key, n.props, types, code)
                if conflicts:
                    conflicts = [c for c in conflicts if (label, c) not in _VARIANTS]
                if conflicts:
                    self.fr.warn(
                        f"{row.ref}: conflict: {label} {n.id}: {', '.join(conflicts)} differ from "
                        f"{tracker.where(first)}; the first value is kept"
                    )
                group = nodes.get(label)
                if group is None:
                    group = nodes[label] = {}
                prev = group.get(n.id)
                again = first != code and self._cited(first, code, key)
                if prev is None and props is n.props and n.label is label and not again:
                    group[n.id] = n  # the record as mapped: nothing to merge or remove
                    continue
                merged = dict(props) if prev is None else _merge(dict(prev.props), props, types)
                ref = prev.source_ref if prev else "" if again else n.source_ref
                group[n.id] = NodeRecord(label, n.id, merged, n.source, ref)
            for e in m.edges:
                rel = e.type if e.type.__class__ is Rel else Rel(e.type)
                types = _rel_types(rel)
                eid = e.id
                props, conflicts, first = tracker.check(rel, eid, e.props, types, code)
                if conflicts:
                    self.fr.warn(
                        f"{row.ref}: conflict: {rel} {e.source_id} -> {e.target_id}: {', '.join(conflicts)} differ "
                        f"from {tracker.where(first)}; the first value is kept"
                    )
                group_e = edges.get(rel)
                if group_e is None:
                    group_e = edges[rel] = {}
                prev_e = group_e.get(eid)
                merged = dict(props) if prev_e is None else _merge(dict(prev_e.props), props, types)
                again = first != code and self._cited(first, code, eid)
                group_e[eid] = EdgeRecord(
                    rel,
                    e.source_label,
                    e.source_id,
                    e.target_label,
                    e.target_id,
                    merged,
                    e.source,
                    prev_e.source_ref if prev_e else "" if again else e.source_ref,
                    e.key,
                )
        return nodes, edges

    def _cited(self, first: int, code: int, key: str) -> bool:
        """Whether an earlier row of this file gave ``key``, which the tracker first saw at
        row ``first`` (of this file or an earlier one) and now at ``code``."""
        if (first ^ code) >> 32 == 0:  # first given by this file
            return True
        if key in self.cited:
            return True
        self.cited.add(key)
        return False

    def _write(
        self,
        nodes: dict[Label, dict[str, NodeRecord]],
        edges: dict[Rel, dict[str, EdgeRecord]],
        failed: dict[str, tuple[str, str]],
    ) -> _Counts:
        """Queue the writes; what they will change, to count once they are done (see _count)."""
        counts: _Counts = []
        created: dict[Label, set[str]] = {}  # the nodes this batch creates: no relationship touches them yet
        for label, recs in nodes.items():
            res = self.store.upsert_nodes(list(recs.values()), batch_size=len(recs) + 1)
            created.update(res.new_nodes)
            counts.append((True, label, res))
        for rel, erecs in edges.items():
            res = self.store.upsert_edges(list(erecs.values()), batch_size=len(erecs) + 1, new_nodes=created)
            counts.append((False, rel, res))
            for ref, reason in res.rejected:
                failed.setdefault(ref, ("_relationship", reason))
        return counts

    def _count(self, counts: _Counts) -> None:
        for is_node, name, res in counts:
            count = self.fr.count_nodes if is_node else self.fr.count_edges
            count(name, res.created, res.updated, res.unchanged)

    def _finish_deferred(self) -> None:
        """Relationships to entities that came later in the file: write them now."""
        if not self.deferred:
            return
        fr = self.fr
        pending, self.deferred = self.deferred, []
        need: dict[Label, set[str]] = {}
        for p in pending:
            for label, node_id, _ in p.refs:
                if _node_key(label, node_id) not in self.state.tracker and (label, node_id) not in self.state.known:
                    need.setdefault(label, set()).add(node_id)
        for label, ids in need.items():
            self._lookup(label, sorted(ids))
        ok: list[tuple[Row, Mapped]] = []
        for p in pending:
            missing = [
                (label, node_id, f)
                for label, node_id, f in p.refs
                if _node_key(label, node_id) not in self.state.tracker and (label, node_id) not in self.state.known
            ]
            if missing:
                label, node_id, f = missing[0]
                self.reject(p.row, f, f"no {label} with id {node_id!r} in the file or the store")
            else:
                ok.append((p.row, Mapped(edges=p.edges)))
        for i in range(0, len(ok), self.batch_size):
            part = ok[i : i + self.batch_size]
            _, edges = self._reconcile(part)
            failed: dict[str, tuple[str, str]] = {}
            counts = self._write({}, edges, failed)
            self.store.drain()  # count these rows only once their relationships are written
            self._count(counts)
            for row, _ in part:
                if row.ref in failed:
                    self.reject(row, *failed[row.ref])
                else:
                    fr.rows_loaded += 1

    def _write_source(self, info: FileInfo) -> None:
        props: dict[str, Any] = {
            "name": info.name,
            "kind": self.spec.kind,
            "file": str(self.path),
            "spec": self.spec.name,
            "rows": self.fr.rows_read,
            "sha256": info.sha256,
        }
        if self.spec.partner:
            props["partner"] = self.spec.partner
        res = self.store.upsert_nodes([NodeRecord(Label.SOURCE, self.source, props, self.source, info.name)])
        self.fr.count_nodes(Label.SOURCE, res.created, res.updated, res.unchanged)


_KEY_PREFIXES: dict[str, str] = {}


def _node_key(label: Label | str, node_id: str) -> str:
    prefix = _KEY_PREFIXES.get(label)
    if prefix is None:  # formatting the label each time costs more than the rest
        prefix = _KEY_PREFIXES[label] = f"{label}\x1f"
    return prefix + node_id


# Properties that legitimately differ between records of one id: the first value is kept
# without a conflict warning (a phone number written "+84 91..." on one row, "+8491..." on another).
_VARIANTS = {(Label.PHONE, "raw")}

_TYPES_CACHE: dict[str, dict[str, PropType]] = {}


def _node_types(label: Label) -> dict[str, PropType]:
    found = _TYPES_CACHE.get(label)
    if found is None:
        found = _TYPES_CACHE[label] = node_prop_types(label)
    return found


def _rel_types(rel: Rel) -> dict[str, PropType]:
    found = _TYPES_CACHE.get(rel)
    if found is None:
        found = _TYPES_CACHE[rel] = rel_prop_types(rel)
    return found


def _merge(current: dict[str, Any], new: Mapping[str, Any], types: dict[str, PropType]) -> dict[str, Any]:
    """Merge two records of one id in a batch: fill empty properties, accumulate lists."""
    for name, value in new.items():
        if value is None or value == "" or value == []:
            continue
        if types.get(name) is PropType.STRING_LIST:
            merged = list(current.get(name) or [])
            merged.extend(v for v in value if v not in merged)
            current[name] = merged
        elif current.get(name) in (None, ""):
            current[name] = value
    return current


# --- the public entry points ------------------------------------------------------------


def rejects_path_for(rejects: Path | None, path: Path, several: bool) -> Path | None:
    """Where one input's rejected rows go: ``rejects`` itself, or with the input's stem in it."""
    if rejects is None:
        return None
    if not several:
        return rejects
    return rejects.with_name(f"{rejects.stem}.{path.stem}{rejects.suffix or '.csv'}")


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while loading.

    A load allocates millions of short-lived objects and keeps many (the tracker's ids,
    the normaliser caches); at Python's default thresholds the full collections that
    follow scan all of them again and again, which took a third of a 100k-row load.
    Reference counting still frees everything as before.
    """
    old = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def load_files(
    store: GraphStore,
    files: Sequence[str | Path],
    spec: Spec | str | Path,
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    resume: bool = False,
    rejects: str | Path | None = None,
    progress: bool = False,
    on_batch: Callable[[FileReport, int], None] | None = None,
    checkpoint_dir: Path | None = None,
    report: LoadReport | None = None,
    state: LoadState | None = None,
    bulk: bool = True,
) -> LoadReport:
    """Load ``files`` into ``store`` with ``spec`` (a :class:`Spec`, built-in name or path).

    Returns the :class:`~loaders.report.LoadReport`; raises :class:`LoadInterrupted` (with
    the report so far) on Ctrl-C and :class:`~loaders.spec.SpecError` for a bad spec.
    """
    spec = spec if isinstance(spec, Spec) else load_spec(spec)
    report = report if report is not None else LoadReport(store.describe(), dry_run=dry_run)
    # Column-wise (loaders.bulk) only where no other file shares the load's reconciling:
    # one file, with a state of its own.
    bulk = bulk and not dry_run and state is None and len(files) == 1 and spec_fits(spec) is None
    state = state if state is not None else LoadState()
    target: GraphStore = store
    if dry_run:
        if state.dry is None:
            state.dry = DryRunStore(store)
        target = state.dry
    paths = [Path(f) for f in files]
    mapper = mapper_for(spec)
    ordered = mapper.plan(paths)
    checkpoints = None if dry_run else Checkpoints(store, checkpoint_dir)
    rejects_path = Path(rejects) if rejects is not None else None
    with _progress_display(progress) as display, _fewer_collections():
        for path in ordered:
            counter = Progress()
            task = display.add(path.name) if display else None

            def tick(counter: Progress = counter, task: Any = task) -> None:
                if display is not None:
                    display.update(task, counter)

            load = _FileLoad(
                target,
                spec,
                mapper,
                path,
                state,
                write=not dry_run,
                batch_size=batch_size,
                resume=resume and not dry_run,
                rejects=rejects_path_for(rejects_path, path, len(paths) > 1),
                checkpoints=checkpoints,
                progress=counter,
                on_batch=on_batch,
                tick=tick,
                bulk=bulk,
            )
            try:
                try:
                    with target.pipelined_writes() if not dry_run else contextlib.nullcontext():
                        fr = load.run()
                finally:  # the writes have ended: a checkpoint still waiting can be saved now
                    load.save_checkpoint()
            except KeyboardInterrupt:
                load.fr.warn(f"{path.name}: interrupted after batch {load.fr.batches}")
                report.files.append(load.fr)
                report.interrupted = True
                raise LoadInterrupted(report) from None
            except StoreError as exc:
                load.fr.fail(f"the store refused a write: {exc}")
                fr = load.fr
            if fr.format == "":
                fr.format = file_format(path, spec.reader)
            report.files.append(fr)
            tick()
    report.check()
    return report


class _Display:
    """A rich progress bar, one task per file."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )

    def add(self, name: str) -> Any:
        return self.bar.add_task(name, total=None)

    def update(self, task: Any, counter: Progress) -> None:
        self.bar.update(task, completed=counter.done, total=counter.total or None)


@contextlib.contextmanager
def _progress_display(enabled: bool) -> Iterator[_Display | None]:
    if not enabled:
        yield None
        return
    display = _Display()
    with display.bar:
        yield display
