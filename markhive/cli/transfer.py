"""`markhive import` and `markhive export`: bookmark files for one user, with progress."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeRemainingColumn

from markhive.bookmarks import repository as bookmarks
from markhive.cli.common import database, load_settings
from markhive.importexport import export, service
from markhive.users import service as users

SHOWN_ERRORS = 20


def _progress(console: Console) -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="Whose account to import into.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "html", "xbel"]),
    default="auto",
    show_default=True,
    help="html: a Netscape bookmark file; xbel: XBEL 1.0; auto: tell by the content.",
)
@click.option(
    "--map-private", is_flag=True, help='Mark bookmarks with PRIVATE="0" as shared (html).'
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the whole import report (with every skipped entry) here as JSON.",
)
def import_command(
    file: Path, username: str, fmt: str, map_private: bool, report: Path | None
) -> None:
    """Import a bookmark file (Chrome, Firefox, Safari, Edge, Pinboard, linkding, XBEL...)
    into a user's account. Running it again with the same file changes nothing."""
    if report is not None and not report.resolve().parent.is_dir():
        raise click.ClickException(f"no such folder for the report: {report.parent}")
    console = Console(stderr=True)
    with database(load_settings()) as db:
        with db.unit() as session:
            user_id = users.get_user(session, username).id
        with _progress(console) as bar, file.open("rb") as stream:
            tasks: dict[str, TaskID] = {}
            labels = {"read": "Reading", "import": "Importing"}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(labels[phase], total=total)
                bar.update(tasks[phase], completed=done, total=total)

            result = service.import_file(
                db, user_id, stream, fmt, service.ImportOptions(map_private), progress
            )
    click.echo(
        f"imported {result.imported}, updated {result.updated}, unchanged {result.unchanged}, "
        f"skipped {result.skipped}; {result.folders_created} folders created"
    )
    for error in result.errors[:SHOWN_ERRORS]:
        click.echo(f"  skipped entry {error['index']} {error['url']}: {error['reason']}")
    if len(result.errors) > SHOWN_ERRORS:
        click.echo(f"  ... and {len(result.errors) - SHOWN_ERRORS} more (see --report)")
    if report is not None:
        report.write_text(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))


@click.command("export")
@click.option("--user", "username", required=True, help="Whose bookmarks to export.")
@click.option(
    "--format", "fmt", type=click.Choice(["html", "xbel"]), required=True, help="File format."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (replaced only once complete); default: standard output.",
)
def export_command(username: str, fmt: str, output: Path | None) -> None:
    """Export a user's bookmarks, with their folders, tags and flags."""
    if output is not None and not output.resolve().parent.is_dir():
        raise click.ClickException(f"no such folder: {output.parent}")
    console = Console(stderr=True)
    with database(load_settings()) as db, db.unit(write=False) as session:
        user_id = users.get_user(session, username).id
        total = bookmarks.totals(session, user_id)[0]
        with _progress(console) as bar:
            task = bar.add_task("Exporting", total=total)
            pieces = export.export(session, user_id, fmt, on_rows=lambda n: bar.advance(task, n))
            with closing(pieces):
                if output is None:
                    _write_out(pieces)
                else:
                    try:
                        _write_whole(output, pieces)
                    except OSError as exc:  # disk full, permissions
                        raise click.ClickException(
                            f"cannot write {output}: {exc.strerror or exc}"
                        ) from None
    if output is not None:
        click.echo(f"exported {total} bookmarks to {output}", err=True)


def _write_out(pieces: Iterable[bytes]) -> None:
    """To standard output; a reader that stops early (``| head``) ends the export quietly."""
    try:
        for piece in pieces:
            sys.stdout.buffer.write(piece)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes at exit


def _write_whole(path: Path, pieces: Iterable[bytes]) -> None:
    """Write to a temporary file beside ``path`` and move it into place when complete.
    Something that is not a regular file (``/dev/null``, a pipe) is written directly:
    replacing it would put a file where the device was."""
    if path.exists() and not path.is_file():
        with path.open("wb") as out:
            for piece in pieces:
                out.write(piece)
        return
    folder = path.resolve().parent
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        # mkstemp makes the file 0600: give it the mode a plain open() would have, or the
        # mode of the file it replaces
        if path.exists():
            mode = path.stat().st_mode & 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            for piece in pieces:
                out.write(piece)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
