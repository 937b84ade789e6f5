# syntax=docker/dockerfile:1
# liptako as a container image: the wheel built from the sources, installed in a slim Python
# with the pinned dependencies, run as a non-root user. See docs/deploy.md ("Container").
#
#   docker build -t liptako .
#   docker compose up -d          # with PostgreSQL 15, the migrations and the worker

# --- build: the wheel, from what the package is made of -----------------------------------
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# --- run: the wheel and its pinned dependencies, nothing else -----------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LIPTAKO_HOME=/var/lib/liptako \
    LIPTAKO_HOST=0.0.0.0 \
    LIPTAKO_PORT=8000 \
    NUMBA_CACHE_DIR=/var/cache/liptako/numba
RUN groupadd --system --gid 10001 liptako \
    && useradd --system --uid 10001 --gid liptako --home-dir /var/lib/liptako \
       --shell /usr/sbin/nologin liptako \
    && mkdir -p /var/lib/liptako /var/cache/liptako \
    && chown liptako:liptako /var/lib/liptako /var/cache/liptako
COPY constraints.txt /tmp/constraints.txt
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir -c /tmp/constraints.txt /wheels/*.whl \
    && rm -rf /wheels /tmp/constraints.txt
USER liptako
WORKDIR /var/lib/liptako
VOLUME ["/var/lib/liptako"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:%s/api/v1/health' % os.environ.get('LIPTAKO_PORT', '8000'); sys.exit(0 if urllib.request.urlopen(url, timeout=4).status == 200 else 1)"]
CMD ["liptako", "serve", "--host", "0.0.0.0"]
