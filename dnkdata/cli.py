"""The `dnkdata` command: thin Typer wrappers over library functions; DnkError becomes a one-line message."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from dnkdata import chart, dictionary, evaluate, fetch, release, series, synth
from dnkdata.errors import DnkError, ValidationFailed

app = typer.Typer(help="Daily NK captures → a citable dataset of articles, quotes, places and officials.",
                  no_args_is_help=True, pretty_exceptions_enable=False)


def fail(exc: DnkError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


@app.command()
def build(
    inputs: list[Path] = typer.Argument(..., help="Capture files or folders."),
    out: Path = typer.Option(Path("datasets/build"), "--out", help="Output folder (replaced atomically)."),
    workers: Optional[int] = typer.Option(None, help="Worker processes (default: all cores)."),
    max_bytes: int = typer.Option(5 * 1024 * 1024, help="Reject captures larger than this."),
    strict: bool = typer.Option(False, help="Fail when any input is rejected."),
    cache: Optional[Path] = typer.Option(None, help="Cache folder for per-capture results "
                                                   "(default: .dnkdata-cache beside OUT)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Process every capture afresh; keep no cache."),
) -> None:
    """Parse, extract and validate every capture; write the tables and build_report.json to OUT."""
    from dnkdata.export import interrupts_as_errors
    from dnkdata.pipeline import build as run_build
    from dnkdata.report import summary_lines

    cache_dir = None if no_cache else (cache or "default")
    try:
        with interrupts_as_errors(out):
            result = run_build(inputs, out, workers=workers, max_bytes=max_bytes, progress=True, strict=strict,
                               cache_dir=cache_dir)
    except ValidationFailed as exc:
        typer.echo("error: the tables did not validate; nothing was written:", err=True)
        typer.echo(exc.report, err=True)
        raise typer.Exit(exc.exit_code)
    except DnkError as exc:
        fail(exc)
    for line in summary_lines(result.report):
        typer.echo(line)
    typer.echo(f"wrote {result.out}")


@app.command()
def validate(folder: Path = typer.Argument(..., help="A build or release folder.")) -> None:
    """Re-validate a folder: schemas, keys, cross-table references and offsets."""
    from dnkdata.validate import validate_folder

    try:
        errors = validate_folder(folder)
    except DnkError as exc:
        fail(exc)
    if errors:
        typer.echo("\n".join(errors), err=True)
        raise typer.Exit(2)
    typer.echo(f"{folder}: all tables valid")


@app.command("dictionary")
def dictionary_command(out: Path = typer.Option(dictionary.DEFAULT_PATH, "--out")) -> None:
    """Regenerate the data dictionary from the schemas."""
    typer.echo(f"wrote {dictionary.write(out)}")


@app.command()
def stats(folder: Path = typer.Argument(..., help="A build or release folder.")) -> None:
    """A quick human summary of a build or release."""
    from dnkdata.report import stats_lines

    try:
        for line in stats_lines(folder):
            typer.echo(line)
    except DnkError as exc:
        fail(exc)


evaluate.register(app)
fetch.register(app)
synth.register(app)
release.register(app)
series.register(app)
chart.register(app)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
