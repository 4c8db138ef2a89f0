"""ECR Public equivalents of Docker Hub images.

- ``catalog``: the embedded catalog and the answer vocabulary (``Evidence``, ``Equivalent``); the
  only module an offline run imports.
- ``service``: ``EcrPublicEquivalents``, the look-up service rules reach through
  ``Services.ecr_public``; it imports the network modules below only when it goes online.
- ``endpoints``, ``client``: the gallery API and registry (OCI distribution) clients, which tell a
  definitive answer from a failure; ``http``: urllib3 within the run's budget; ``proxy``: the
  ``HTTPS_PROXY`` / ``NO_PROXY`` settings ``http`` tunnels through.
- ``cache``: the on-disk answer cache shared by concurrent runs.
- ``resolver``: memo → cache → network → catalog, with a budget and bounded concurrency
  (``concurrency``).
"""
