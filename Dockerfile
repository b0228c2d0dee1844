# The web and worker image (docker-compose.yml runs web, worker, beat and migrate from it).
# Built by scripts/build-web-image.sh (`make web-image`), which downloads the wheelhouse on the
# host: containers here cannot reach package registries over TLS, so pip installs offline.
#   machines that can pull:   BASE_IMAGE=python:3.11-slim scripts/build-web-image.sh
#   machines that cannot:     scripts/build-web-image.sh   (academy-base:bookworm, debootstrap)
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
COPY requirements.txt /tmp/build/requirements.txt
COPY var/wheelhouse-web/ /tmp/build/wheelhouse/
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/python -m pip install --no-index --find-links /tmp/build/wheelhouse \
        -r /tmp/build/requirements.txt \
 && /opt/venv/bin/python -m pip uninstall -y -q pip \
 && rm -rf /tmp/build

FROM ${BASE_IMAGE}
# mssql-django imports pyodbc, which needs the unixODBC driver manager (libodbc2); the Microsoft
# ODBC Driver 18 itself ships inside the mssql-python-odbc wheel. academy-base:bookworm has
# unixODBC already; python:3.11-slim gets it from Debian's apt (its default sources).
RUN if ! ldconfig -p | grep -q 'libodbc.so.2'; then \
        apt-get update -q && apt-get install -y -q --no-install-recommends libodbc2 unixodbc \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
 && groupadd --gid 10001 academy \
 && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin academy
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    VIRTUAL_ENV=/opt/venv \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LANG=C.UTF-8 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    ACADEMY_VAR_DIR=/app/var
WORKDIR /app
COPY --chown=root:root . /app/
# Static files are collected at build time, into the image (WhiteNoise serves them from
# STATIC_ROOT = /app/var/staticfiles). The throwaway key only satisfies production settings'
# length check for this one command; it is not in the final environment.
RUN DJANGO_SECRET_KEY="collectstatic-only-$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    python -m django collectstatic --noinput -v0 --settings=config.settings.production \
 && python -m compileall -q -x '/app/(curriculum|var)/' /app \
 && mkdir -p /app/var/db /app/var/media /app/var/celery-queue /app/var/celery-control \
 && chown -R academy:academy /app/var
USER 10001:10001
EXPOSE 8000
# Compose overrides the command for worker, beat and migrate.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
