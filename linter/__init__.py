"""ecs-lint: find Docker Hub rate-limit risks and broken registry credentials before deploy."""

__version__ = "0.1.0"
