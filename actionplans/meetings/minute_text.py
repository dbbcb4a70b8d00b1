"""How a minute's discussion is typed, read once for every place that shows it: paragraphs split
on blank lines, lines of a paragraph run together, and each line that starts "- " a point of a
list (the agenda page, and the page, Word document and PDF of the minutes in reports)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a minute; `bullet` for a point of a list ("- " in what was typed)."""

    text: str
    bullet: bool = False

    @property
    def plain(self) -> str:
        return f"- {self.text}" if self.bullet else self.text


@dataclass(frozen=True)
class Block:
    """Paragraphs as a page shows them: a paragraph, or a run of points as one list."""

    text: str = ""
    points: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.points)


def paragraphs_of(discussion: str, clean: Callable[[str], str] = fold_whitespace) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    for chunk in discussion.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        for index, line in enumerate(lines):
            if line.startswith("- "):
                out.append(Paragraph(clean(line[2:]), bullet=True))
            elif index and out and not out[-1].bullet:
                out[-1] = Paragraph(clean(f"{out[-1].text} {line}"))
            else:
                out.append(Paragraph(clean(line)))
    return tuple(out)


def blocks_of(discussion: str) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for paragraph in paragraphs_of(discussion):
        if paragraph.bullet and blocks and blocks[-1].is_list:
            blocks[-1] = Block(points=(*blocks[-1].points, paragraph.text))
        elif paragraph.bullet:
            blocks.append(Block(points=(paragraph.text,)))
        else:
            blocks.append(Block(text=paragraph.text))
    return tuple(blocks)
