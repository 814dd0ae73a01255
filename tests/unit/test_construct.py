"""The fast constructors of the hot paths build the same values as the dataclasses."""

from __future__ import annotations

import dataclasses

from streams.core._construct import new_actor, new_signal
from streams.core.model import Actor, Signal


class TestFastConstructors:
    def test_new_actor_equals_the_dataclass_built_one(self) -> None:
        """new_actor gives an Actor equal to, hashing like and frozen like Actor(...)."""
        fields = {"id": "UKR", "name": "Ukraine", "type": "country", "text": "Kyiv", "start": 3,
                  "end": 7, "country": "UKR", "role": None, "role_org": None, "former": False,
                  "affiliation": "UKR", "source": "kb"}
        slow, fast = Actor(**fields), new_actor(**fields)
        assert type(fast) is Actor
        assert fast == slow
        assert hash(fast) == hash(slow)
        assert dataclasses.asdict(fast) == dataclasses.asdict(slow)

    def test_new_signal_equals_the_dataclass_built_one(self) -> None:
        """new_signal gives a Signal equal to Signal(...) with every field the same."""
        fields = {f.name: None for f in dataclasses.fields(Signal)}
        fields.update(type="MOBILIZE", polarity="escalation", mode="troops",
                      modality="conditional", trigger="deploy troops", start=1, end=14,
                      sentence="x", sentence_start=0, sentence_end=20, severity=-3.25,
                      base_severity=-6.5, rule="r1")
        slow, fast = Signal(**fields), new_signal(**fields)
        assert type(fast) is Signal
        assert fast == slow
        assert fast.to_dict() == slow.to_dict()
