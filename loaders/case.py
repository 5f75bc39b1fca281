"""Load a whole case folder (as ``sample_data/generate.py`` writes it) in the right order.

People and organisations come first, because the other files refer to them; then the
documents, phones, accounts and addresses that hang off them; then what joins them (calls,
payments, relations, events); the partner's border-crossing log last. Files that are not in
the folder are passed over. One :class:`~loaders.report.LoadReport` covers them all, and
the first-value-wins rule holds across the files of the case, so loading the same folder
again reports nothing created and nothing updated.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph_tool.store.base import GraphStore
from loaders.engine import DEFAULT_BATCH, LoadState, load_files
from loaders.report import FileReport, LoadReport

CASE_FILES: tuple[tuple[str, str], ...] = (
    ("people.csv", "people"),
    ("organisations.csv", "organisations"),
    ("documents.csv", "documents"),
    ("phones.csv", "phones"),
    ("accounts.csv", "accounts"),
    ("addresses.csv", "addresses"),
    ("calls.csv", "calls"),
    ("payments.csv", "payments"),
    ("relations.csv", "relations"),
    ("events.csv", "events"),
    ("border_crossings.csv", "border-crossings"),
)
"""Case files in load order, with the built-in spec for each."""


def case_files(folder: Path) -> list[tuple[Path, str]]:
    """The case files present in ``folder``, in load order, with their spec names."""
    return [(folder / name, spec) for name, spec in CASE_FILES if (folder / name).is_file()]


def load_case(
    store: GraphStore,
    folder: str | Path,
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    resume: bool = False,
    rejects_dir: str | Path | None = None,
    progress: bool = False,
    on_batch: Callable[[FileReport, int], None] | None = None,
) -> LoadReport:
    """Load every case file of ``folder`` into ``store``; one combined report.

    Rejected rows of ``x.csv`` go to ``rejects_dir/x.rejects.csv`` when ``rejects_dir``
    is given.
    """
    root = Path(folder)
    found = case_files(root)
    report = LoadReport(store.describe(), dry_run=dry_run)
    if not found:
        report.warnings.append(f"{root}: no case files ({', '.join(n for n, _ in CASE_FILES)})")
        return report
    state = LoadState()
    for path, spec in found:
        rejects = Path(rejects_dir) / f"{path.stem}.rejects.csv" if rejects_dir is not None else None
        load_files(
            store,
            [path],
            spec,
            dry_run=dry_run,
            batch_size=batch_size,
            resume=resume,
            rejects=rejects,
            progress=progress,
            on_batch=on_batch,
            report=report,
            state=state,
        )
    return report
