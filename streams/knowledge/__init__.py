"""Knowledge files (actors, titles, signal lexicon) and their loader."""

from streams.knowledge.loader import DEFAULT_DIR, KNOWLEDGE_FILES, load_knowledge

__all__ = ["DEFAULT_DIR", "KNOWLEDGE_FILES", "load_knowledge"]
