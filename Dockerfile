# The visualizer as a container: non-root, health-checked, one Streamlit process per container.
# Scale with replicas behind a proxy with sticky sessions (deploy/k8s, deploy/nginx.conf).
# Any base with Python >= 3.11 and its venv module: the official image from a registry by default, or a
# local Debian base built by deploy/verify_image.sh where no registry is reachable.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PATH=/opt/venv/bin:$PATH
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY requirements.txt .
# A virtual environment: Debian's own Python refuses system-wide pip installs (PEP 668).
RUN python3 -m venv /opt/venv && pip install -r requirements.txt
COPY --chown=app:app app.py ./
COPY --chown=app:app linreg ./linreg
COPY --chown=app:app pages ./pages
COPY --chown=app:app .streamlit ./.streamlit

USER app
EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2).status != 200)"
# STREAMLIT_SERVER_COOKIE_SECRET must be the same on every replica (set it from a secret).
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
