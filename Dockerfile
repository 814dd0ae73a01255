# Escalation Watch worker image: `docker compose up -d` runs it next to Kafka.
# The analysis core is compiled with mypyc in a build stage (same results,
# about a fifth faster); the runtime stage carries no compiler.
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the package needs: keeps .venv/ and .cache/ (Kafka jars) out of the image.
COPY pyproject.toml setup.py README.md ./
COPY schemas ./schemas
COPY streams ./streams
RUN pip install --no-cache-dir mypy 'setuptools>=77' wheel \
    && ESCWATCH_MYPYC=1 pip wheel --no-cache-dir --no-build-isolation --no-deps -w /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels \
    && useradd --create-home --uid 10001 escwatch
WORKDIR /home/escwatch
USER escwatch
CMD ["escwatch", "worker"]
