"""The attempt journal and the per-article time budget."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from streams import poison


class TestAttemptJournal:
    def test_crash_then_restart_counts_the_same_offset(self, tmp_path: Path) -> None:
        """A start with no matching done, read back by a new journal (a restarted worker),
        counts; at the limit the message is poison."""
        first = poison.AttemptJournal(tmp_path, max_attempts=2)
        assert first.begin("t", 0, 7) == 0
        first.close()  # the worker died here
        second = poison.AttemptJournal(tmp_path, max_attempts=2)
        assert second.begin("t", 0, 5) == 0, "a redelivery before it does not reset the count"
        assert not second.is_poison(second.begin("t", 0, 7))
        second.close()
        third = poison.AttemptJournal(tmp_path, max_attempts=2)
        assert third.is_poison(third.begin("t", 0, 7))

    def test_finished_messages_start_afresh(self, tmp_path: Path) -> None:
        """After done(), the same offset redelivered by a clean restart is not counted."""
        journal = poison.AttemptJournal(tmp_path, max_attempts=1)
        journal.begin("t", 3, 10)
        journal.done("t", 3, 10)
        assert journal.begin("t", 3, 10) == 0
        assert journal.begin("t", 3, 11) == 0

    def test_partitions_are_kept_apart(self, tmp_path: Path) -> None:
        """A crash on one partition does not mark the same offset on another."""
        journal = poison.AttemptJournal(tmp_path, max_attempts=1)
        journal.begin("topic/x", 0, 4)
        assert journal.begin("topic/x", 1, 4) == 0
        assert journal.begin("topic/x", 0, 4) == 1


class TestTimeBudget:
    def test_a_slow_block_is_interrupted(self) -> None:
        """A block running past the budget raises BudgetExceeded, which plain
        ``except Exception`` does not swallow."""
        def slow() -> None:
            try:
                while True:
                    time.sleep(0.01)
            except Exception:
                pytest.fail("the budget was caught as an ordinary error")

        started = time.monotonic()
        with pytest.raises(poison.BudgetExceeded), poison.time_budget(0.2):
            slow()
        assert time.monotonic() - started < 2

    def test_a_quick_block_is_left_alone(self) -> None:
        """Within the budget nothing happens, and no alarm stays armed after it."""
        with poison.time_budget(1.0):
            value = sum(range(1000))
        time.sleep(1.2)
        assert value == 499500
