# A web service on Fargate, as Terraform declares it. Lint the .tf files directly, or the plan:
#   terraform plan -out plan.out && terraform show -json plan.out > plan.json && ecs-lint plan.json

resource "aws_kms_key" "secrets" {
  description = "Encrypts the Docker Hub credentials"
}

resource "aws_secretsmanager_secret" "dockerhub" {
  name       = "dockerhub"
  kms_key_id = aws_kms_key.secrets.arn
}

resource "aws_iam_role" "execution" {
  name               = "web-execution"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "credentials" {
  statement {
    sid       = "ReadDockerHubCredentials"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.dockerhub.arn]
  }
  # Missing: kms:Decrypt on aws_kms_key.secrets.arn (the secret's customer-managed key).
}

resource "aws_iam_role_policy" "credentials" {
  name   = "registry-credentials"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.credentials.json
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn

  container_definitions = jsonencode([
    {
      name  = "web"
      image = "nginx:1.27"
      repositoryCredentials = {
        credentialsParameter = aws_secretsmanager_secret.dockerhub.arn
      }
    },
    {
      name  = "worker"
      image = "python:3.12-slim"
    },
  ])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = "default"
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 4
  launch_type     = "FARGATE"
}
