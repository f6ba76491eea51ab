"""The `baocao` command line. Heavy modules (textual, underthesea) are imported
inside the commands that need them, so `baocao list` starts fast.

Any BaocaoError a command raises is printed as ``baocao: <message>`` (its hint
on the next line) and exits 1: a user never sees a traceback for something
they can cause. So is an OSError that got that far (a full disk, a read-only
home, a permission): one line naming the file. Messages are printed inertly
(control characters shown, never sent to the terminal).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from annotations.errors import BaocaoError, os_error_line
from annotations.home import Home
from annotations.text.sanitize import inert


def fail(message: str, hint: str = "") -> None:
    click.echo(f"baocao: {inert(message, keep_newlines=True)}", err=True)
    if hint:
        click.echo(f"  {inert(hint, keep_newlines=True)}", err=True)
    sys.exit(1)


def quiet_pipe() -> None:
    """The reader closed the pipe (`baocao list | head -1`): it has what it
    wanted, so exit 0, stdout pointed at /dev/null so the interpreter's last
    flush is quiet (click alone would exit 1)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


class BaocaoGroup(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:  # --help and --version print while the arguments are parsed
            return super().parse_args(ctx, args)
        except BrokenPipeError:
            quiet_pipe()

    def invoke(self, ctx: click.Context):
        try:
            rv = super().invoke(ctx)
            sys.stdout.flush()  # buffered output meets a closed pipe here, not at exit
            return rv
        except BrokenPipeError:
            quiet_pipe()
        except BaocaoError as exc:
            fail(exc.message, exc.hint)
        except OSError as exc:
            fail(os_error_line(exc))


@click.group(cls=BaocaoGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="BAOCAO_HOME",
              help="Data directory (library + database). Default: $BAOCAO_HOME or the "
                   "platform's user data dir.")
@click.option("--annotator", default=None, help="Name recorded on annotations "
              "(default: config, else your login name).")
@click.version_option(package_name="baocao", help="Show the version and exit.")
@click.pass_context
def main(ctx: click.Context, home: Path | None, annotator: str | None) -> None:
    """Read and annotate Vietnamese government and Party reports.

    `baocao` alone opens the reader (the terminal UI); the commands below are
    for scripts and a first look: `baocao import --samples` adds the bundled
    sample reports, `baocao import PATH` your own."""
    ctx.obj = {"home": Home(home), "annotator": annotator}
    if ctx.invoked_subcommand is None:
        from ..app import run_app

        run_app(ctx.obj["home"], annotator=annotator)


from . import agreement, correct, entities, library, search, store, suggest, teach, timeline  # noqa: E402  (the commands register on `main`)

for module in (library, store, agreement, correct, suggest, teach, entities, timeline, search):
    module.register(main)
