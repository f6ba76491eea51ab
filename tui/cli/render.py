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


def render_report(record: dict) -> None:
    """Print paragraphs with entities coloured. Report text is never parsed as
    markup: styles are applied as spans on a plain Text, and every string from
    the home is made inert first."""
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
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
