# The govflow worker image used by temporal-dev.yml.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY activities ./activities
COPY workflows ./workflows
COPY workers ./workers
COPY govflow ./govflow
RUN pip install --no-cache-dir . && useradd --create-home govflow \
    && mkdir -p /var/lib/govflow && chown govflow /var/lib/govflow
USER govflow
ENV GOVFLOW_LOG_FORMAT=json
CMD ["govflow", "worker"]
