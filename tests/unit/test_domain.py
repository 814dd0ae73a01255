"""The article-domain classifier: features, model data, scoring and the shipped model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.core.domain import (
    DOMAINS,
    DomainModel,
    DomainModelError,
    DomainResult,
    classify,
    features,
)
from streams.errors import ConfigError
from streams.knowledge.loader import DEFAULT_DIR, DOMAIN_MODEL_FILE, load_domain_model

DATA = Path(__file__).resolve().parents[1] / "data" / "devnews.jsonl"


def _header(**extra: object) -> dict[str, object]:
    return {"kind": "header", "classes": ["sport", "business"], "bias": [0.0, 0.0], **extra}


def _toy() -> DomainModel:
    return DomainModel.from_rows(
        [
            _header(version="toy"),
            {"f": "goal", "w": [2.0, -1.0]},
            {"f": "t:shares", "w": [-1.0, 3.0]},
            {"f": "shares", "w": [0.0, 0.5]},
        ]
    )


class TestFeatures:
    def test_words_pairs_and_title_prefix(self) -> None:
        """Body words, adjacent pairs, and title words both plain and with the t: prefix."""
        feats = features("Late goal wins", title="Derby")
        assert feats[0] == "t:derby"
        assert {"derby", "late", "goal", "wins", "late goal", "goal wins"} <= set(feats)
        assert "derby late" in feats  # the title runs into the body

    def test_each_feature_once_in_first_seen_order(self) -> None:
        """Repeated words give one feature, kept where first seen."""
        feats = features("goal goal goal")
        assert feats == ["goal", "goal goal"]

    def test_only_the_lead_is_read(self) -> None:
        """Words past max_chars do not count, so the cost per article is bounded."""
        text = "market " * 10 + "football"
        assert "football" in features(text, max_chars=len(text))
        assert "football" not in features(text, max_chars=40)

    def test_case_and_punctuation_are_ignored(self) -> None:
        """Case folds; hyphenated and apostrophe words stay whole."""
        assert features("Cease-fire, DON'T!") == ["cease-fire", "don't", "cease-fire don't"]


class TestModelRows:
    def test_round_trip_of_a_toy_model(self) -> None:
        """Header and feature rows give classes, bias, weights and version."""
        model = _toy()
        assert model.classes == ("sport", "business")
        assert model.weights["goal"] == (2.0, -1.0)
        assert model.version == "toy"

    @pytest.mark.parametrize(
        ("rows", "message"),
        [
            ([{"f": "goal", "w": [1.0, 0.0]}], "before the header"),
            ([], "no header"),
            ([_header(), _header()], "second header"),
            ([_header(), {"f": "goal", "w": [1.0]}], "1 weights, expected 2"),
            ([_header(classes=["sport", "weather"])], "classes must be"),
            ([_header(bias=[0.0])], "one bias per class"),
            ([_header(max_chars=0)], "max_chars"),
            ([_header(), {"f": 3, "w": [1.0, 0.0]}], "string 'f'"),
        ],
    )
    def test_malformed_rows_are_refused(self, rows: list[dict[str, object]], message: str) -> None:
        """Every malformation is named."""
        with pytest.raises(DomainModelError, match=message):
            DomainModel.from_rows(rows)


class TestClassify:
    def test_linear_scores_pick_the_domain(self) -> None:
        """Weights of the features present decide; probabilities sum to 1."""
        model = _toy()
        result = classify("A late goal.", "", model)
        assert isinstance(result, DomainResult)
        assert result.domain == "sport"
        assert sum(result.scores.values()) == pytest.approx(1.0)
        assert result.confidence == pytest.approx(result.scores["sport"])

    def test_title_weight_differs_from_body(self) -> None:
        """'shares' in the title weighs more than in the body."""
        model = _toy()
        in_title = model.classify("A late goal.", "Shares")
        in_body = model.classify("A late goal. Shares", "")
        assert in_title.domain == "business"
        assert in_body.domain == "sport"

    def test_no_known_feature_falls_back_to_bias(self) -> None:
        """Unknown words give the bias: equal here, so the first class at 0.5."""
        result = _toy().classify("zzz qqq", "")
        assert result.confidence == pytest.approx(0.5)

    def test_result_is_immutable_and_serialisable(self) -> None:
        """Scores cannot be changed afterwards; to_dict rounds them."""
        result = _toy().classify("goal", "")
        with pytest.raises(TypeError):
            result.scores["sport"] = 0.0  # type: ignore[index]
        assert set(result.to_dict()) == {"domain", "confidence", "scores"}


class TestShippedModel:
    def test_pair_pruning_changes_no_score(self) -> None:
        """Making only the pairs the model knows gives the same logits as making all."""
        model = load_domain_model()
        rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
        for r in rows[::97]:
            full = model.logits(features(r["text"], r["title"], model.max_chars))
            pruned = model.logits(
                features(r["text"], r["title"], model.max_chars, model.pair_heads))
            assert full == pruned, r["id"]

    def test_loads_with_every_domain(self) -> None:
        """The packaged model names all eight domains and has weights."""
        model = load_domain_model()
        assert model.classes == DOMAINS
        assert len(model.weights) > 1000
        assert model.version

    def test_dev_accuracy_does_not_regress(self) -> None:
        """On the hand-labelled dev split (never trained on) the model stays above 75%."""
        model = load_domain_model()
        rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
        dev = [r for r in rows if r["split"] == "dev" and not r["labels"].get("hard_negative")]
        right = sum(model.classify(r["text"], r["title"]).domain == r["labels"]["domain"]
                    for r in dev)
        assert len(dev) > 400
        assert right / len(dev) >= 0.75

    def test_user_folder_model_replaces_the_packaged_one(self, tmp_path: Path) -> None:
        """A knowledge folder with its own domain_model.jsonl is used instead."""
        rows = [_header(version="mine"), {"f": "goal", "w": [1.0, 0.0]}]
        (tmp_path / DOMAIN_MODEL_FILE).write_text(
            "# a comment line\n" + "\n".join(json.dumps(r) for r in rows) + "\n")
        model = load_domain_model(tmp_path)
        assert model.version == "mine"
        other = tmp_path / "empty"
        other.mkdir()
        assert load_domain_model(other).version == load_domain_model().version

    def test_broken_user_model_is_a_config_error(self, tmp_path: Path) -> None:
        """A malformed file names itself in a ConfigError."""
        (tmp_path / DOMAIN_MODEL_FILE).write_text('{"f": "goal", "w": [1.0]}\n')
        with pytest.raises(ConfigError, match=DOMAIN_MODEL_FILE):
            load_domain_model(tmp_path)

    def test_missing_folder_is_a_config_error(self, tmp_path: Path) -> None:
        """A folder that does not exist is refused, as for the other knowledge files."""
        with pytest.raises(ConfigError, match="does not exist"):
            load_domain_model(tmp_path / "nope")

    def test_packaged_file_is_where_the_loader_looks(self) -> None:
        """The model ships beside the other knowledge files, as JSONL (packaged by the
        data/*.jsonl package-data rule)."""
        assert (DEFAULT_DIR / DOMAIN_MODEL_FILE).is_file()
        assert DOMAIN_MODEL_FILE.endswith(".jsonl")
