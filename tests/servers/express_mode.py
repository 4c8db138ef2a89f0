"""Amazon ECS Express Mode in front of moto, which does not implement it (moto 5.2): the two
answers ``ecs-lint aws`` reads of it, served through ``FaultyAws`` (tests/servers/faulty_aws.py)
in the API's own shapes.

``ExpressMode.manage(service_arn, ...)`` makes a service moto holds an Express service: from
then on ``DescribeServices`` answers it with ``resourceManagementType: ECS``, as AWS answers the
services Express Mode manages, and ``DescribeExpressGatewayService`` with its active
configurations' scaling targets. Every other call reaches moto unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from servers.faulty_aws import JSON_TYPE, Reply

if TYPE_CHECKING:
    from servers.faulty_aws import AwsRequest, FaultyAws


@dataclass
class ExpressMode:
    services: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Each Express service's active configurations, by service ARN."""

    def install(self, server: FaultyAws) -> ExpressMode:
        server.faults["ecs:DescribeServices"] = self.describe_services
        server.faults["ecs:DescribeExpressGatewayService"] = self.describe_express_service
        return self

    def manage(self, service_arn: str, *max_task_counts: int) -> None:
        """An Express service, with one active configuration per maximum (two while a
        deployment replaces one)."""
        self.services[service_arn] = [
            {
                "serviceRevisionArn": f"{service_arn}/revision/{index}",
                "primaryContainer": {"image": "set by the task definition"},
                "scalingTarget": {"minTaskCount": 1, "maxTaskCount": count},
            }
            for index, count in enumerate(max_task_counts)
        ]

    def describe_services(self, request: AwsRequest, server: FaultyAws) -> Reply:
        upstream = server.forward(request)
        answer = json.loads(upstream.body)
        for service in answer.get("services", []):
            managed = service.get("serviceArn") in self.services
            service["resourceManagementType"] = "ECS" if managed else "CUSTOMER"
        return Reply(upstream.status, json.dumps(answer).encode())

    def describe_express_service(self, request: AwsRequest, server: FaultyAws) -> Reply:
        arn = request.params().get("serviceArn")
        if arn not in self.services:
            error = {"__type": "ServiceNotFoundException", "message": "Service not found."}
            return Reply(400, json.dumps(error).encode(), JSON_TYPE)
        service = {
            "serviceArn": arn,
            "serviceName": str(arn).rsplit("/", 1)[-1],
            "status": {"statusCode": "ACTIVE"},
            "activeConfigurations": self.services[arn],
        }
        return Reply(200, json.dumps({"service": service}).encode())
