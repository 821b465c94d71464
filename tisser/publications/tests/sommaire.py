"""Reading an issue as its readers do: its "Au sommaire", and what the block each entry
points to says (in the HTML part or the web version, and in the plain-text part)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from tisser.publications.rendering import newsletter_context


def seed_file(name: str) -> Path | None:
    """A newsletter of the seeds: `shared/seeds/<name>` beside the checkout or one of its
    parents (a worktree sits one level deeper than the main checkout)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "seeds" / name
        if candidate.exists():
            return candidate
    return None


def flat(text: str) -> str:
    """Whitespace folded, HTML entities and tags out: what a reader sees."""
    text = re.sub(r"<[^>]+>", " ", unescape(text))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def toc_of(html: str) -> list:
    """The "Au sommaire" list: [(entry, [sub-entries])]."""
    start = html.index('class="toc"')
    depth, end = 0, start
    for tag in re.finditer(r"<(/?)ul\b", html[start - 4 :]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            end = start - 4 + tag.start()
            break
    toc = html[start:end]
    entries: list = []
    for item in re.finditer(r"<li[^>]*>\s*<a[^>]*>(.*?)</a>(\s*<ul>(.*?)</ul>)?", toc, re.S):
        children = re.findall(r"<a[^>]*>(.*?)</a>", item.group(3) or "")
        entries.append((unescape(item.group(1)).strip(), [unescape(c).strip() for c in children]))
    return entries


def entries(newsletter) -> dict[str, object]:
    """Each "Au sommaire" label (sections' children included) → its block."""
    blocks = {b.anchor: b for b in newsletter.blocks.all()}
    found = {}
    for entry in newsletter_context(newsletter)["toc"]:
        for item in entry["children"] or [entry]:
            if item["anchor"] in blocks:
                found[item["label"]] = blocks[item["anchor"]]
    return found


def html_block(html: str, block) -> str:
    """The block's cell of the HTML part (or of the web version)."""
    after = html.split(f'id="{block.anchor}"', 1)[1]
    return flat(re.split(r'id="bloc-\d+"|class="footer"', after, maxsplit=1)[0])


def text_block(text: str, block) -> str:
    """The block's paragraph of the plain-text part."""
    after = text.split(f"---- {block.title} ----", 1)[1]
    return flat(block.title + " " + re.split(r"\n---- |\n==== |\n--\n", after, maxsplit=1)[0])


def missing_facts(newsletter, html: str, text: str, facts: dict, agenda: dict) -> list[str]:
    """What an entry's block does not say, in either part: each fact the seed prints for
    it, and the date and place the agenda gives the event it pulls in."""
    problems = []
    by_label = entries(newsletter)
    for label, fragments in facts.items():
        block = by_label.get(label)
        if block is None:
            problems.append(f"no entry {label!r} in the table of contents")
            continue
        parts = {"html": html_block(html, block), "text": text_block(text, block)}
        for fragment in fragments:
            for part, said in parts.items():
                if flat(fragment) not in said:
                    problems.append(f"{label!r} ({part}): {fragment!r} missing")
    for block in newsletter.blocks.all():
        for item in block.items or []:
            slug = item.get("url", "").rstrip("/").rsplit("/", 1)[-1]
            for fragment in agenda.get(slug, []):
                for part, said in (
                    ("html", html_block(html, block)),
                    ("text", text_block(text, block)),
                ):
                    if flat(fragment) not in said:
                        problems.append(f"{slug} ({part}): {fragment!r} missing")
    return problems
