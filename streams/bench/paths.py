"""Where ``escwatch bench`` reads its corpus and writes its results.

Every path is explicit: :class:`BenchPaths` is built once from the command line
(``--corpus-dir``, ``--results-dir``) and handed to each benchmark, and nothing
is resolved against the working directory. The defaults:

* in a source checkout (the folder holding ``bench/build_corpus.py`` next to
  ``streams/``): ``<checkout>/bench/corpus`` and ``<checkout>/bench/results``,
  and the corpus is built with ``bench/build_corpus.py`` on first use;
* anywhere else (an installed wheel): ``~/.cache/escwatch/bench/corpus`` and
  ``~/.cache/escwatch/bench/results``. A wheel has no corpus builder: pass
  ``--corpus FILE`` (any JSONL of ``article.v1`` events) or ``--corpus-dir``
  holding a built corpus. ``escwatch bench worst`` needs no corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["NEWS_FILE", "RE3D_FILE", "WIKINEWS_FILE", "BenchPaths", "source_checkout"]

NEWS_FILE = "news600.jsonl"
RE3D_FILE = "re3d.jsonl"
WIKINEWS_FILE = "wikinews650.jsonl"


def source_checkout() -> Path | None:
    """The source checkout this package runs from, or None (an installed wheel)."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "bench" / "build_corpus.py").is_file() else None


@dataclass(frozen=True, slots=True)
class BenchPaths:
    """The bench's folders and files, all absolute.

    Attributes:
        corpus_dir: Folder of the default corpora (``news600.jsonl``, ``re3d.jsonl``).
        results_dir: Folder of the JSON results (``<name>.json``) and profiles.
        builder: ``bench/build_corpus.py`` of the checkout, or None.
        seed_file: The seed articles (``seeds/articles.jsonl``) of the checkout, or
            None; the worst-case shapes are built from its first article.
    """

    corpus_dir: Path
    results_dir: Path
    builder: Path | None = None
    seed_file: Path | None = None

    @classmethod
    def resolve(cls, corpus_dir: Path | None = None,
                results_dir: Path | None = None) -> BenchPaths:
        """The given folders (made absolute), else the defaults of this installation
        (:meth:`defaults` of :func:`source_checkout` and the home folder)."""
        found = cls.defaults(source_checkout(), Path.home())
        return cls(
            corpus_dir=corpus_dir.resolve() if corpus_dir else found.corpus_dir,
            results_dir=results_dir.resolve() if results_dir else found.results_dir,
            builder=found.builder, seed_file=found.seed_file)

    @classmethod
    def defaults(cls, checkout: Path | None, home: Path) -> BenchPaths:
        """The default paths for a source checkout, or for an installed wheel
        (``checkout`` None) of a user whose home folder is ``home``."""
        if checkout is None:
            base = home / ".cache" / "escwatch" / "bench"
            return cls(corpus_dir=(base / "corpus").resolve(),
                       results_dir=(base / "results").resolve())
        base = checkout / "bench"
        builder = base / "build_corpus.py"
        seed = checkout / "seeds" / "articles.jsonl"
        return cls(corpus_dir=(base / "corpus").resolve(),
                   results_dir=(base / "results").resolve(),
                   builder=builder.resolve() if builder.is_file() else None,
                   seed_file=seed.resolve() if seed.is_file() else None)

    @property
    def news_corpus(self) -> Path:
        """The default corpus of real-length articles."""
        return self.corpus_dir / NEWS_FILE

    @property
    def re3d_corpus(self) -> Path:
        """The second default corpus, the re3d documents."""
        return self.corpus_dir / RE3D_FILE

    @property
    def wikinews_corpus(self) -> Path:
        """The third default corpus: ordinary news articles of about 650 words."""
        return self.corpus_dir / WIKINEWS_FILE
