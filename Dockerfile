# Escalation Watch worker image: `docker compose up -d` runs it next to Kafka.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Only what the package needs: keeps .venv/ and .cache/ (Kafka jars) out of the image.
COPY pyproject.toml README* ./
COPY streams ./streams
RUN pip install . && useradd --create-home --uid 10001 escwatch

USER escwatch
CMD ["escwatch", "worker"]
