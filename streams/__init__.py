"""Escalation Watch: a Kafka-native early-warning service for geopolitical escalation."""

__version__ = "0.1.0"
