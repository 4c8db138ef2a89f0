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
