"""Stories and trends: same-story grouping, story alerts and trend/spike alerts.

Everything here is pure and deterministic: it reads only the article's event time
(``published_at``), never the wall clock, and uses no randomness but MinHash
permutations drawn from a fixed seed. The worker wiring feeds it analyses; tests,
the evaluation and replays call it directly.
"""

from __future__ import annotations

from streams.stories.engine import StoryEngine, StoryInput, StoryOutput
from streams.stories.grouping import GroupingOptions, StoryIndex
from streams.stories.story import StoryOptions
from streams.stories.trends import TrendEngine, TrendOptions

__all__ = ["GroupingOptions", "StoryEngine", "StoryIndex", "StoryInput", "StoryOptions",
           "StoryOutput", "TrendEngine", "TrendOptions"]
