# syntax=docker/dockerfile:1
# One image for every service; the first argument picks the service (deploy/docker/entrypoint.sh):
#   docker build -t netsynchro/platform .
#   docker run netsynchro/platform bee
#   docker run netsynchro/platform migrate bee upgrade head

FROM python:3.11.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN mkdir -p services && touch services/__init__.py \
    && /opt/venv/bin/pip install . \
    && /opt/venv/bin/pip uninstall --yes netsynchro-platform \
    # The image never starts a nats-server: the cluster has its own.
    && rm -f /opt/venv/bin/nats-server
# The code runs from /app (PYTHONPATH), XSDs, templates and migrations included; compiled now because
# the root filesystem is read-only at run time.
COPY services /app/services
RUN /opt/venv/bin/python -m compileall -q /app/services

FROM python:3.11.11-slim-bookworm
RUN groupadd --system --gid 10001 netsynchro \
    && useradd --system --uid 10001 --gid netsynchro --no-create-home --shell /usr/sbin/nologin netsynchro
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
COPY deploy/docker/entrypoint.sh /usr/local/bin/netsynchro
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
WORKDIR /app
USER 10001:10001
EXPOSE 8443 8010 8011 8020 8030
ENTRYPOINT ["netsynchro"]
CMD ["gateway"]
