"""The Faust agent in memory: wiring from the raw topic to the three outputs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest

from streams import codec
from streams.app import create_app
from streams.config import Settings

pytestmark = pytest.mark.agent


@pytest.fixture
async def agent_and_outputs(tmp_path: Path, analyzer: Any) -> AsyncIterator[Any]:
    """The app's agent in a test context, with each output topic's send recorded."""
    settings = Settings(data_dir=tmp_path, web_port=16066)
    app = create_app(settings, analyzer)
    app.finalize()
    app.conf.store = "memory://"
    app.flow_control.resume()
    outputs = app.escwatch_outputs
    mocks = {name: AsyncMock() for name in outputs}
    with patch.object(outputs["analyzed"], "send", mocks["analyzed"]), \
            patch.object(outputs["alerts"], "send", mocks["alerts"]), \
            patch.object(outputs["deadletter"], "send", mocks["deadletter"]):
        agent = next(iter(app.agents.values()))
        async with agent.test_context() as ctx:
            yield ctx, mocks, app


def _sent(mock: AsyncMock) -> list[dict[str, Any]]:
    return [codec.loads(call.kwargs["value"]) for call in mock.call_args_list]


class TestAgent:
    async def test_seed_article_yields_analysis_and_alert(
        self, agent_and_outputs: Any, seed_event: dict[str, Any]
    ) -> None:
        """A valid article produces one analysis keyed by article id and one alert keyed by
        alert id."""
        ctx, mocks, app = agent_and_outputs
        await ctx.put(codec.dumps(seed_event), key=seed_event["id"].encode())
        analyses, alerts = _sent(mocks["analyzed"]), _sent(mocks["alerts"])
        assert [a["article_id"] for a in analyses] == [seed_event["id"]]
        assert mocks["analyzed"].call_args.kwargs["key"] == seed_event["id"].encode()
        assert len(alerts) == 1
        assert mocks["alerts"].call_args.kwargs["key"] == alerts[0]["id"].encode()
        assert not mocks["deadletter"].called
        metrics = app.escwatch_metrics.render().decode()
        assert "escwatch_articles_processed_total 1.0" in metrics

    async def test_bad_message_is_dead_lettered_and_stream_continues(
        self, agent_and_outputs: Any
    ) -> None:
        """Invalid JSON goes to the dead-letter topic and the next article is still analysed."""
        ctx, mocks, app = agent_and_outputs
        await ctx.put(b"not json at all", key=b"k1")
        await ctx.put(codec.dumps({"id": "ok", "text": "Leaders met for talks."}), key=b"ok")
        dead = _sent(mocks["deadletter"])
        assert len(dead) == 1
        assert dead[0]["reason"] == "decode_error"
        assert dead[0]["original_b64"] == codec.b64(b"not json at all")
        assert [a["article_id"] for a in _sent(mocks["analyzed"])] == ["ok"]
        metrics = app.escwatch_metrics.render().decode()
        assert 'escwatch_deadletters_total{reason="decode_error"} 1.0' in metrics


class TestBatches:
    async def test_buffered_messages_are_analysed_as_one_batch(
        self, agent_and_outputs: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Messages already waiting in the stream's buffer are analysed as one batch (up to
        ESCWATCH_BATCH_SIZE), and every one of them is published and acked."""
        import asyncio

        from streams import app as worker_app

        ctx, mocks, app = agent_and_outputs
        sizes: list[int] = []
        real = worker_app._analyse_batch

        def spy(batch: Any, *args: Any) -> Any:
            sizes.append(len(batch))
            return real(batch, *args)

        monkeypatch.setattr(worker_app, "_analyse_batch", spy)
        for n in range(6):
            await ctx.put(codec.dumps({"id": f"b{n}", "text": "Leaders met for talks."}),
                          key=f"b{n}".encode(), wait=False)
        for _ in range(100):
            if len(mocks["analyzed"].call_args_list) >= 6:
                break
            await asyncio.sleep(0.02)
        assert [a["article_id"] for a in _sent(mocks["analyzed"])] == [f"b{n}" for n in range(6)]
        assert sum(sizes) == 6
        assert max(sizes) > 1
        metrics = app.escwatch_metrics.render().decode()
        assert "escwatch_articles_processed_total 6.0" in metrics
