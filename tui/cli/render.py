"""`baocao show` without --json: the coloured terminal rendering of the record."""
from __future__ import annotations

from annotations.text.sanitize import inert

ENTITY_STYLES = {
    "PER": "bold magenta", "ORG": "bold cyan", "LOC": "bold green", "DOC": "bold yellow",
    "EVENT": "bold blue", "TIME": "bold red", "NUM": "bold bright_white",
}


def paragraph_text(text: str, start: int, end: int, entities: list[dict]):
    """text[start:end] as a Rich Text with its entities coloured, every piece
    inert (a control character from an old home is shown, never obeyed): built
    piece by piece, because a shown symbol is longer than the character."""
    from rich.text import Text

    body = Text()
    at = start
    for ent in entities:  # in text order
        if at <= ent["start"] and ent["end"] <= end:
            body.append(inert(text[at:ent["start"]], keep_newlines=True))
            body.append(inert(text[ent["start"]:ent["end"]], keep_newlines=True),
                        style=ENTITY_STYLES.get(ent["label"], "bold"))
            at = ent["end"]
    body.append(inert(text[at:end], keep_newlines=True))
    return body


def pipe_console(**kwargs):
    """A Rich console for standard output whose closed pipe (`| head`) is a
    BrokenPipeError, as for click.echo (Rich itself exits 1)."""
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return PipeConsole(**kwargs)


def render_report(record: dict) -> None:
    """Print paragraphs with entities coloured. Report text is never parsed as
    markup: styles are applied as spans on a plain Text, and every string from
    the home is made inert first."""
    from rich.text import Text

    console = pipe_console(highlight=False)
    head = Text(inert(record["title"]), style="bold")
    head.append(f"   {inert(record['date'] or 'undated')} ({inert(record['date_source'])})  ",
                style="dim")
    head.append(inert(record["id"]), style="dim")
    console.print(head)
    legend = Text("entities: ", style="dim")
    for label, style in ENTITY_STYLES.items():
        legend.append(label, style=style)
        legend.append(" ")
    console.print(legend)
    entities = sorted(record["entities"], key=lambda e: e["start"])
    for para in record["paragraphs"]:
        console.print()
        console.print(paragraph_text(record["text"], para["start"], para["end"], entities))


def plain_report(record: dict) -> str:
    """`show --plain`: the title line, then each paragraph with its entities
    as [LABEL text], every piece inert; no colour, so a pipe keeps it all."""
    text = record["text"]
    entities = sorted(record["entities"], key=lambda e: e["start"])
    out = [f"{inert(record['title'])}   {inert(record['date'] or 'undated')} "
           f"({inert(record['date_source'])})  {inert(record['id'])}\n"]
    for para in record["paragraphs"]:
        at, end, parts = para["start"], para["end"], []
        for ent in entities:
            if at <= ent["start"] and ent["end"] <= end:
                parts += [inert(text[at:ent["start"]], keep_newlines=True),
                          f"[{ent['label']} {inert(text[ent['start']:ent['end']], keep_newlines=True)}]"]
                at = ent["end"]
        parts.append(inert(text[at:end], keep_newlines=True))
        out.append("\n" + "".join(parts) + "\n")
    return "".join(out)
