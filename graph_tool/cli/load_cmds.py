"""Loading files: ``load``, ``load-case``, ``specs list``, ``specs show``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from graph_tool.cli.common import opened, propose_matches, store_option


def _print_summary(report: object) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from loaders.report import LoadReport

    assert isinstance(report, LoadReport)
    console = Console()
    title = ("Dry run, nothing written: " if report.dry_run else "") + report.store
    files = Table(title=title, title_justify="left")
    failed = report.rows_failed > 0  # a column only when a file stopped at an error
    for name in ("file", "read", "loaded", "rejected", "skipped", *(("failed",) if failed else ())):
        files.add_column(name, justify="left" if name == "file" else "right")
    records = Table()
    for name in ("", "label / type", "created", "updated", "unchanged"):
        records.add_column(name, justify="left" if name in ("", "label / type") else "right")
    for row in report.summary_rows():
        if row[0] == "file":
            files.add_row(*row[1 : 7 if failed else 6])
        else:
            records.add_row(*row[:5])
    console.print(files)
    console.print(records)
    total = (
        f"rows read {report.rows_read:,} = loaded {report.rows_loaded:,} + rejected {report.rows_rejected:,}"
        f" + skipped {report.rows_skipped:,}" + (f" + failed {report.rows_failed:,}" if failed else "")
    )
    console.print(total, highlight=False)
    for f in report.files:
        if f.bulk:
            console.print(f"{f.file}: a first load, written column-wise in one go", highlight=False, markup=False)
        elif f.batched_because:
            console.print(f"{f.file}: loaded batch by batch ({f.batched_because})", highlight=False, markup=False)
        if f.error:
            console.print(f"[red]error[/red] {f.file}: {escape(f.error)}", highlight=False)
        if f.rows_failed:
            console.print(
                f"  {f.rows_failed:,} rows of {f.file} read but not written: the load of the file stopped there. "
                "Load it again once the cause is fixed; what was written is found, not duplicated.",
                highlight=False,
                markup=False,
            )
        if f.rejects_file:
            console.print(f"rejected rows of {f.file}: {f.rejects_file}", highlight=False)
    shown = [r for f in report.files for r in f.rejected][:10]
    for r in shown:
        console.print(f"  rejected {r}", highlight=False, markup=False)
    if report.rows_rejected > len(shown):
        console.print(f"  ... {report.rows_rejected - len(shown):,} more rejected rows in the report", highlight=False)
    warnings = sum(len(f.warnings) + f.omitted_warnings for f in report.files)
    if warnings:
        console.print(f"{warnings:,} warnings (conflicts, invalid values kept): see the report", highlight=False)


def _finish(report: object, report_path: Path | None) -> None:
    from loaders.report import LoadReport

    assert isinstance(report, LoadReport)
    if report_path is not None:
        report.to_json(report_path)
        click.echo(f"report: {report_path}")
    _print_summary(report)
    if report.errors:
        sys.exit(2)


@contextmanager
def _exit_when_interrupted(report_path: Path | None) -> Iterator[None]:
    """Ctrl-C during a load: write the report so far, say how to resume, exit 130."""
    from loaders.engine import LoadInterrupted

    try:
        yield
    except LoadInterrupted as exc:
        if report_path is not None:
            exc.report.to_json(report_path)
        click.echo("interrupted: run the same command with --resume to finish", err=True)
        sys.exit(130)


def _progress_wanted(no_progress: bool) -> bool:
    return not no_progress and sys.stderr.isatty()


@click.command(
    "load",
    epilog="""\b
Example:
  graph-tool load people.csv --spec people --store cases/op-lotus --report load.json
  graph-tool load calls-*.csv --spec calls --dry-run
  graph-tool load phase*.csv --spec adjacency --rejects rejected.csv --resume
""",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--spec", "spec_name", required=True, metavar="NAME|PATH", help="Built-in spec name or YAML file.")
@store_option
@click.option("--dry-run", is_flag=True, help="Compute everything (what would be created or updated); write nothing.")
@click.option("--report", "report_path", type=click.Path(path_type=Path), help="Write the JSON report here.")
@click.option("--rejects", type=click.Path(path_type=Path), help="Write rejected rows here, to correct and reload.")
@click.option("--batch-size", default=10_000, show_default=True, help="Rows per write batch.")
@click.option("--resume", is_flag=True, help="Skip the batches an interrupted load of the same files committed.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--no-matches", is_flag=True, help="Do not propose possible matches of the people loaded.")
@click.option(
    "--batched",
    is_flag=True,
    help="Write batch by batch even where a first load of one plain file could be written column-wise in one go.",
)
def load_cmd(
    files: tuple[Path, ...],
    spec_name: str,
    store: str | None,
    dry_run: bool,
    report_path: Path | None,
    rejects: Path | None,
    batch_size: int,
    resume: bool,
    no_progress: bool,
    no_matches: bool,
    batched: bool,
) -> None:
    """Load files with a mapping spec; print a summary, write the report and rejected rows.

    If the load created or updated people, possible matches are then proposed for review
    (never merged until accepted), as after load-case."""
    from loaders.engine import load_files
    from loaders.spec import SpecError, load_spec

    try:
        spec = load_spec(spec_name)
    except SpecError as exc:
        raise click.ClickException(str(exc)) from None
    with opened(store, loading=True) as s, _exit_when_interrupted(report_path):
        report = load_files(
            s,
            list(files),
            spec,
            dry_run=dry_run,
            batch_size=batch_size,
            resume=resume,
            rejects=rejects,
            progress=_progress_wanted(no_progress),
            bulk=not batched,
        )
        if not (dry_run or no_matches or report.interrupted):
            propose_matches(s, report.nodes)
    _finish(report, report_path)


@click.command(
    "load-case",
    epilog="""\b
Example:
  graph-tool load-case sample_data/demo --store cases/demo --report demo-load.json
""",
)
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@store_option
@click.option("--dry-run", is_flag=True, help="Compute everything; write nothing.")
@click.option("--report", "report_path", type=click.Path(path_type=Path), help="Write the JSON report here.")
@click.option("--rejects", "rejects_dir", type=click.Path(path_type=Path), help="Folder for rejected rows.")
@click.option("--batch-size", default=10_000, show_default=True, help="Rows per write batch.")
@click.option("--resume", is_flag=True, help="Skip the batches an interrupted load committed.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--no-matches", is_flag=True, help="Do not propose possible matches after loading.")
def load_case_cmd(
    folder: Path,
    store: str | None,
    dry_run: bool,
    report_path: Path | None,
    rejects_dir: Path | None,
    batch_size: int,
    resume: bool,
    no_progress: bool,
    no_matches: bool,
) -> None:
    """Load a whole case folder (people.csv, documents.csv, calls.csv, ...) in the right order,
    then propose possible matches of people for review (never merged until accepted)."""
    from loaders.case import load_case

    with opened(store, loading=True) as s:
        with _exit_when_interrupted(report_path):
            report = load_case(
                s,
                folder,
                dry_run=dry_run,
                batch_size=batch_size,
                resume=resume,
                rejects_dir=rejects_dir,
                progress=_progress_wanted(no_progress),
            )
        for w in report.warnings:
            click.echo(w, err=True)
        if not (dry_run or no_matches or report.interrupted):
            propose_matches(s, report.nodes)
    _finish(report, report_path)


@click.group(
    "specs",
    epilog="""\b
Example:
  graph-tool specs list
""",
)
def specs_group() -> None:
    """The mapping specs: one YAML file per source layout, checked against the model."""


@specs_group.command(
    "list",
    epilog="""\b
Example:
  graph-tool specs list
""",
)
def specs_list_cmd() -> None:
    """List the built-in specs with what they read."""
    from loaders.spec import SpecError, builtin_specs, load_spec

    for name in builtin_specs():
        try:
            spec = load_spec(name)
            click.echo(f"{name:<18} {spec.reader.format:<12} {spec.description}")
        except SpecError as exc:
            click.echo(f"{name:<18} BROKEN: {exc}")


@specs_group.command(
    "show",
    epilog="""\b
Example:
  graph-tool specs show documents > my-documents.yaml   # copy a spec to adapt it
""",
)
@click.argument("name")
def specs_show_cmd(name: str) -> None:
    """Print a spec's YAML (a built-in name or a file), after checking it."""
    from loaders.spec import SpecError, load_spec, spec_path

    try:
        load_spec(name)
        click.echo(spec_path(name).read_text(encoding="utf-8"), nl=False)
    except SpecError as exc:
        raise click.ClickException(str(exc)) from None


def register(main: click.Group) -> None:
    for cmd in (load_cmd, load_case_cmd, specs_group):
        main.add_command(cmd)
