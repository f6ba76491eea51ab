"""`baocao show` without --json: the coloured terminal rendering of the record."""
from __future__ import annotations

ENTITY_STYLES = {
    "PER": "bold magenta", "ORG": "bold cyan", "LOC": "bold green", "DOC": "bold yellow",
    "EVENT": "bold blue", "TIME": "bold red", "NUM": "bold bright_white",
}


def render_report(record: dict) -> None:
    """Print paragraphs with entities coloured. Report text is never parsed as
    markup: styles are applied as spans on a plain Text."""
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    text = record["text"]
    head = Text(record["title"], style="bold")
    head.append(f"   {record['date'] or 'undated'} ({record['date_source']})  ", style="dim")
    head.append(record["id"], style="dim")
    console.print(head)
    legend = Text("entities: ", style="dim")
    for label, style in ENTITY_STYLES.items():
        legend.append(label, style=style)
        legend.append(" ")
    console.print(legend)
    for para in record["paragraphs"]:
        console.print()
        body = Text(text[para["start"]:para["end"]])
        for ent in record["entities"]:
            if para["start"] <= ent["start"] and ent["end"] <= para["end"]:
                body.stylize(ENTITY_STYLES.get(ent["label"], "bold"),
                             ent["start"] - para["start"], ent["end"] - para["start"])
        console.print(body)
