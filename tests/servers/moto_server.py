"""A local AWS for tests: moto's server mode on 127.0.0.1, spoken to over real HTTP by boto3.

``MotoServer`` starts ``moto.server.ThreadedMotoServer`` on a free port; ``environment()`` gives
the variables that point boto3 (and so ecs-lint's ``--aws``) at it with dummy credentials and no
shared config files, so no test can reach a real account. ``reset()`` empties every backend
between tests; ``enforce_iam()`` makes moto check each request against the caller's IAM
policies, for testing what happens when a permission is missing.

moto builds every AWS managed policy it knows (about 1,300, 0.15 s of CPU) for each of its six
partitions after each reset, which made the AWS tests spend most of their time there. The server
holds only the AWS managed policies in :data:`AWS_MANAGED_POLICIES`, taken from moto's own copy:
a test that attaches another one adds its name there (moto answers ``NoSuchEntity`` otherwise).
"""

from __future__ import annotations

import json
import urllib.request
from typing import TYPE_CHECKING

import moto.iam.models
from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

REGION = "eu-west-1"
DUMMY_KEY = "testing"
AWS_MANAGED_POLICIES = ("AmazonECSTaskExecutionRolePolicy",)


def keep_only_the_managed_policies_tests_use() -> None:
    """Trim the AWS managed policies moto loads (``MOTO_IAM_LOAD_MANAGED_POLICIES``) to ours."""
    every_policy = json.loads(moto.iam.models.aws_managed_policies_data)
    used = {name: every_policy[name] for name in AWS_MANAGED_POLICIES}
    moto.iam.models.aws_managed_policies_data = json.dumps(used)


class MotoServer:
    def __init__(self) -> None:
        keep_only_the_managed_policies_tests_use()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = ""

    def __enter__(self) -> MotoServer:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.stop()

    def environment(self, home: Path) -> dict[str, str]:
        """Variables for boto3: this endpoint, dummy keys, no profile or shared files."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": DUMMY_KEY,
            "AWS_SECRET_ACCESS_KEY": DUMMY_KEY,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": str(home / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def reset(self) -> None:
        self._post("/moto-api/reset", b"")
        self.enforce_iam(False)

    def enforce_iam(self, enforce: bool = True) -> None:
        """From now on, check every request against the caller's IAM policies (or stop)."""
        self._post("/moto-api/reset-auth", b"0" if enforce else b"inf")

    def _post(self, path: str, body: bytes) -> None:
        # A form content type would make the server read the body as form fields.
        headers = {"Content-Type": "text/plain"}
        request = urllib.request.Request(self.url + path, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:  # local server only
            response.read()
