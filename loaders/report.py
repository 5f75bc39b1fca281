"""What a load did: rows read, loaded, rejected and skipped, and what the store did.

The invariant ``rows_read == rows_loaded + rows_rejected + rows_skipped`` is checked for
every file (``rows_skipped`` counts rows a spec's ``where`` filters out, and FtM entities
of schemas the model has no counterpart for; without a filter it is 0). Rejections read
``file:row:field: reason``. :class:`RejectsWriter` writes rejected rows with their original
columns plus ``_file``, ``_row``, ``_field``, ``_reason`` (and ``_raw`` for a row that
could not even be split into cells), so the file can be corrected and loaded again with
the same spec.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from loaders.readers import FileInfo, Row

MAX_LISTED = 10_000  # rejections and warnings kept in the report; all go to the rejects file

REJECT_COLUMNS = ("_file", "_row", "_field", "_reason", "_raw")


@dataclass
class Counts:
    """What the store did with one label or relationship type."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, created: int, updated: int, unchanged: int) -> None:
        self.created += created
        self.updated += updated
        self.unchanged += unchanged


@dataclass
class Rejection:
    """One rejected row."""

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.field}: {self.reason}"


@dataclass
class FileReport:
    """The load of one file."""

    file: str
    path: str
    source: str
    spec: str
    format: str = ""
    encoding: str = ""
    sha256: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    rows_failed: int = 0  # read, but not written: the file's load stopped at an error (see fail)
    batches: int = 0
    batches_resumed: int = 0  # committed by an earlier, interrupted run: not written again
    bulk: bool = False  # a first load written column-wise, in one go (see loaders.bulk)
    batched_because: str | None = None  # why a load that could have gone column-wise did not
    nodes: dict[str, Counts] = field(default_factory=dict)
    relationships: dict[str, Counts] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    omitted_rejections: int = 0
    omitted_warnings: int = 0
    error: str | None = None
    seconds: float = 0.0
    rejects_file: str | None = None

    def reject(self, row: int, field_name: str, reason: str) -> None:
        self.rows_rejected += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append(Rejection(self.file, row, field_name, reason))
        else:
            self.omitted_rejections += 1

    def fail(self, error: str) -> None:
        """The file's load stopped at ``error``: the rows read but neither loaded, rejected
        nor skipped (the batch the store refused, or the rows read before a broken part of
        the file) are counted as failed, so that the report still accounts for every row.

        >>> fr = FileReport("p.csv", "p.csv", "people:p.csv", "people", rows_read=25_000, rows_loaded=20_000)
        >>> fr.fail("the store refused a write: disk full")
        >>> fr.rows_failed, fr.error
        (5000, 'the store refused a write: disk full')
        """
        self.error = error
        self.rows_failed = self.rows_read - self.rows_loaded - self.rows_rejected - self.rows_skipped

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(message)
        else:
            self.omitted_warnings += 1

    def count_nodes(self, label: str, created: int, updated: int, unchanged: int) -> None:
        self.nodes.setdefault(label, Counts()).add(created, updated, unchanged)

    def count_edges(self, rel: str, created: int, updated: int, unchanged: int) -> None:
        self.relationships.setdefault(rel, Counts()).add(created, updated, unchanged)

    def check(self) -> None:
        """The row invariant, read = loaded + rejected + skipped + failed; AssertionError
        names the file and the numbers."""
        total = self.rows_loaded + self.rows_rejected + self.rows_skipped + self.rows_failed
        if self.rows_read != total or self.rows_failed < 0 or (self.rows_failed and not self.error):
            raise AssertionError(
                f"{self.file}: rows read {self.rows_read} != loaded {self.rows_loaded} + rejected "
                f"{self.rows_rejected} + skipped {self.rows_skipped} + failed {self.rows_failed}"
            )

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["rejected"] = [str(r) for r in self.rejected]
        return out


@dataclass
class LoadReport:
    """A load of one or more files with one spec (or a whole case with several)."""

    store: str
    dry_run: bool = False
    files: list[FileReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    interrupted: bool = False

    def _sum(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)

    @property
    def rows_read(self) -> int:
        return self._sum("rows_read")

    @property
    def rows_loaded(self) -> int:
        return self._sum("rows_loaded")

    @property
    def rows_rejected(self) -> int:
        return self._sum("rows_rejected")

    @property
    def rows_skipped(self) -> int:
        return self._sum("rows_skipped")

    @property
    def rows_failed(self) -> int:
        return self._sum("rows_failed")

    def _totals(self, attr: str) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for f in self.files:
            for name, c in getattr(f, attr).items():
                out.setdefault(name, Counts()).add(c.created, c.updated, c.unchanged)
        return dict(sorted(out.items()))

    @property
    def nodes(self) -> dict[str, Counts]:
        return self._totals("nodes")

    @property
    def relationships(self) -> dict[str, Counts]:
        return self._totals("relationships")

    @property
    def created(self) -> int:
        return sum(c.created for c in (*self.nodes.values(), *self.relationships.values()))

    @property
    def updated(self) -> int:
        return sum(c.updated for c in (*self.nodes.values(), *self.relationships.values()))

    @property
    def rejections(self) -> list[str]:
        return [str(r) for f in self.files for r in f.rejected]

    @property
    def errors(self) -> list[str]:
        return [f"{f.file}: {f.error}" for f in self.files if f.error]

    def check(self) -> None:
        """Check the row invariant of every file."""
        for f in self.files:
            f.check()

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "dry_run": self.dry_run,
            "interrupted": self.interrupted,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "rows_skipped": self.rows_skipped,
            "rows_failed": self.rows_failed,
            "nodes": {k: asdict(v) for k, v in self.nodes.items()},
            "relationships": {k: asdict(v) for k, v in self.relationships.items()},
            "errors": self.errors,
            "warnings": self.warnings,
            "files": [f.as_dict() for f in self.files],
        }

    def to_json(self, path: Path | None = None) -> str:
        text = json.dumps(self.as_dict(), indent=2, ensure_ascii=False)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", encoding="utf-8")
        return text

    def merge(self, other: LoadReport) -> None:
        self.files.extend(other.files)
        self.warnings.extend(other.warnings)
        self.interrupted = self.interrupted or other.interrupted

    def summary_rows(self) -> Iterable[tuple[str, ...]]:
        """Rows of the printed summary: (what, read/created, loaded/updated, rejected/unchanged,
        skipped, failed)."""
        for f in self.files:
            counts = (f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_skipped, f.rows_failed)
            yield ("file", f.file, *(f"{n:,}" for n in counts))
        for name, c in self.nodes.items():
            yield ("node", name, f"{c.created:,}", f"{c.updated:,}", f"{c.unchanged:,}", "", "")
        for name, c in self.relationships.items():
            yield ("relationship", name, f"{c.created:,}", f"{c.updated:,}", f"{c.unchanged:,}", "", "")


class RejectsWriter:
    """Rejected rows of one input file, in a form the same spec reads again.

    Tabular inputs give a CSV (original columns, then ``_file,_row,_field,_reason,_raw``);
    JSON, JSON lines and FtM inputs give JSON lines with those keys added.
    """

    def __init__(self, path: Path, info: FileInfo) -> None:
        self.path = path
        self.info = info
        self.json = info.format in ("json", "jsonl", "ftm")
        if self.json and path.suffix.lower() not in (".jsonl", ".ndjson"):
            self.path = path.with_suffix(".jsonl")
        self._fh: IO[str] | None = None
        self._csv: Any = None
        self.count = 0

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # surrogateescape: bytes the source could not decode go back into the file as they were
        self._fh = self.path.open("w", encoding="utf-8", errors="surrogateescape", newline="")
        if not self.json:
            self.columns = [c for c in self.info.columns if c not in REJECT_COLUMNS]
            self._csv = csv.writer(self._fh)
            self._csv.writerow([*self.columns, *REJECT_COLUMNS])

    def write(self, row: Row, field_name: str, reason: str) -> None:
        if self._fh is None:
            self._open()
        assert self._fh is not None
        self.count += 1
        file = str(row.values.get("_file") or row.file)
        number = str(row.values.get("_row") or row.row)
        meta = {"_file": file, "_row": number, "_field": field_name, "_reason": reason, "_raw": row.raw or ""}
        if self.json:
            values = {k: v for k, v in row.values.items() if k not in REJECT_COLUMNS}
            self._fh.write(json.dumps({**values, **meta}, ensure_ascii=False) + "\n")
            return
        cells = [_cell(row.values.get(c)) for c in self.columns]
        self._csv.writerow([*cells, *(meta[c] for c in REJECT_COLUMNS)])

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)
