"""The AWS clients every live call goes through (``--aws``, ``ecs-lint aws``, ``policy --aws``).

* :mod:`ecs_lint.awsapi.client`: :class:`~ecs_lint.awsapi.client.AwsClient`, the boto3 session
  and clients (boto3 is imported there, at the first call), calls counted and guarded, paging;
* :mod:`ecs_lint.awsapi.wire`: the limits (timeouts, retries, the run's time budget), the guard
  that enforces them and stops a failed run's calls (``CallGuard``), endpoint and answer checks,
  and one ``AwsError`` message per kind of failure.

Both live sources use them and neither the other: :mod:`ecs_lint.iam.live` (roles, policies,
secrets, keys) and :mod:`ecs_lint.aws` (clusters, services, task definitions, networks).
"""
