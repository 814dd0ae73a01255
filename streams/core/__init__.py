"""The pure analysis core: text and knowledge in, frozen results out.

Nothing under this package imports Faust, a Kafka client, orjson, reads the
environment or looks at the clock; ``tests/unit/test_core_purity.py`` checks.
"""
