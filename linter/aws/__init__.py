"""Live AWS: lint what is registered and running (``ecs-lint aws``).

* :mod:`ecs_lint.aws.inventory` reads clusters, services, task definitions and the network of
  Fargate services from AWS, concurrently, each resource once (boto3 through
  :class:`ecs_lint.awsapi.client.AwsClient`, which owns the clients, retries and error messages);
* :mod:`ecs_lint.aws.livejson` lets the shared task-definition reader walk an API answer, giving
  every value a logical span: the resource ARN and a JMESPath to the value;
* :mod:`ecs_lint.aws.network` turns subnets, route tables, endpoints and security groups into the
  neutral ``NetworkView``;
* :mod:`ecs_lint.aws.build` makes the model (``Document`` per task definition and per service);
* :mod:`ecs_lint.aws.progress` shows a progress bar on a terminal, nothing otherwise;
* :mod:`ecs_lint.aws.run` puts it together: one model (the engine's ``load_model``) and one rule
  run per region, the execution roles read first through :class:`ecs_lint.iam.live.LiveAws`.
"""
