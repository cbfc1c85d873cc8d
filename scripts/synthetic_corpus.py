"""A synthetic corpus for `make bench`: N copies of the real article in every served locale.

Copies ``content/<SLUG>.md`` under N slugs (``<SLUG>-001`` ...), each with its own ``slug:`` in
the front matter and a unique title suffix, and every locale's ``content.po`` with each entry of
the real article duplicated under the new slugs (``msgctxt`` = the new slug; the title entry's
msgid and msgstr get the same suffix), so every copy is as translated as the real article.
The rest of ``locales/`` (LINGUAS, ui.po, templates, glossaries) is copied as it is.

The output is deterministic: the same sources and N give the same files, hence the same build
fingerprint, which lets `make bench` reuse a synthetic build it made before.

Usage: python scripts/synthetic_corpus.py OUT_DIR [N]   (writes OUT_DIR/content and OUT_DIR/locales)
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "medication-and-therapy"
TITLE = re.compile(r"^# (.+)$", re.MULTILINE)
SLUG_LINE = re.compile(r"^slug:.*$", re.MULTILINE)


def slugs(n: int) -> list[str]:
    return [f"{SLUG}-{i:03d}" for i in range(1, n + 1)]


def suffix(i: int) -> str:
    return f" ({i})"


def write_articles(source: Path, out: Path, n: int) -> str:
    """N copies of the article; returns the English title they share before their suffix."""
    text = source.read_text("utf-8")
    match = TITLE.search(text)
    if match is None:
        raise ValueError(f"{source}: no '# title' line")
    title = match.group(1)
    out.mkdir(parents=True)
    for i, slug in enumerate(slugs(n), 1):
        copy = text[: match.start()] + f"# {title}{suffix(i)}" + text[match.end():]
        (out / f"{slug}.md").write_text(SLUG_LINE.sub(f"slug: {slug}", copy, count=1), "utf-8")
    return title


def multiply_catalog(path: Path, title: str, n: int) -> None:
    """Replace the catalog's entries for the real article by one copy per synthetic slug.

    Works on the text (entries are blocks separated by a blank line), so the copies keep their
    comments and wrapping exactly, and 500 copies of 14 catalogs take seconds.
    """
    blocks = path.read_text("utf-8").rstrip("\n").split("\n\n")
    context = f'msgctxt "{SLUG}"'
    ours = [b for b in blocks if context in b.splitlines()]
    kept = [b for b in blocks if context not in b.splitlines()]
    copies = []
    for i, slug in enumerate(slugs(n), 1):
        for block in ours:
            lines = [f'msgctxt "{slug}"' if line == context else
                     line.replace(f"content/{SLUG}.md:", f"content/{slug}.md:") for line in block.splitlines()]
            if f'msgid "{title}"' in lines:
                lines[lines.index(f'msgid "{title}"')] = f'msgid "{title}{suffix(i)}"'
                if lines[-1] != 'msgstr ""':  # translated: its last line ends the msgstr
                    lines[-1] = lines[-1][:-1] + suffix(i) + '"'
            copies.append("\n".join(lines))
    path.write_text("\n\n".join(kept + copies) + "\n", "utf-8")


def generate(out: Path, n: int = 500, content_dir: Path = ROOT / "content",
             locales_dir: Path = ROOT / "locales") -> tuple[Path, Path]:
    """Write OUT/content (N articles) and OUT/locales (catalogs for them); returns both folders."""
    content, locales = out / "content", out / "locales"
    for folder in (content, locales):
        if folder.exists():
            shutil.rmtree(folder)
    title = write_articles(content_dir / f"{SLUG}.md", content, n)
    shutil.copytree(locales_dir, locales)
    for po in sorted(locales.glob("*/LC_MESSAGES/content.po")):
        multiply_catalog(po, title, n)
    return content, locales


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("out_dir", type=Path, help="where to write content/ and locales/")
    parser.add_argument("n", type=int, nargs="?", default=500, help="how many copies of the article (default 500)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("n must be at least 1")
    print(*generate(args.out_dir, args.n))


if __name__ == "__main__":
    main()
