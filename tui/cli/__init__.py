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


class BaocaoGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BaocaoError as exc:
            fail(exc.message, exc.hint)
        except OSError as exc:  # BrokenPipeError is handled by the commands that stream
            fail(os_error_line(exc))


@click.group(cls=BaocaoGroup, invoke_without_command=True)
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="BAOCAO_HOME",
              help="Data directory (library + database). Default: $BAOCAO_HOME or the "
                   "platform's user data dir.")
@click.option("--annotator", default=None, help="Name recorded on annotations "
              "(default: config, else your login name).")
@click.version_option(package_name="baocao")
@click.pass_context
def main(ctx: click.Context, home: Path | None, annotator: str | None) -> None:
    """Read and annotate Vietnamese government and Party reports."""
    ctx.obj = {"home": Home(home), "annotator": annotator}
    if ctx.invoked_subcommand is None:
        from ..app import run_app

        run_app(ctx.obj["home"], annotator=annotator)


from . import agreement, correct, entities, library, search, store, suggest, teach, timeline  # noqa: E402  (the commands register on `main`)

for module in (library, store, agreement, correct, suggest, teach, entities, timeline, search):
    module.register(main)
