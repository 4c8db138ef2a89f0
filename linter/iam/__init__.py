"""IAM: what an execution role may do, proved from its policies.

* :mod:`ecs_lint.iam.evaluator` parses identity policies and answers "may this role do action A on
  resource R" with allowed / denied / conditional and the statements that decided it.
* :mod:`ecs_lint.iam.arns` reads ARNs and the secret references of task definitions.
* :mod:`ecs_lint.iam.managed` holds the AWS managed policies ecs-lint knows exactly.
* :mod:`ecs_lint.iam.requirements` lists what a task needs of its execution role.
* :mod:`ecs_lint.iam.sources` loads policies from files (``--iam``, ``--role-policy``).
* :mod:`ecs_lint.iam.live` looks roles, policies, secrets and keys up in AWS (``--aws``), through
  the AWS clients of :mod:`ecs_lint.awsapi`.
* :mod:`ecs_lint.iam.provider` puts them together as the service rules query.
"""

from __future__ import annotations

import enum


class Need(enum.Enum):
    """What a task needs its execution role to do, by kind: every ``Requirement`` has one, and a
    rule names in ``Rule.reports`` the kinds it reports when the role may not."""

    READ_CREDENTIALS = "read the registry credentials"
    DECRYPT_CREDENTIALS = "decrypt the registry credentials"
    READ_SECRET = "read a container secret"
    DECRYPT_SECRET = "decrypt a container secret"
    PULL_ECR = "pull a private ECR image"
    WRITE_LOGS = "write awslogs logs"
