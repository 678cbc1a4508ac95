"""Schemathesis against a running service: every operation of its OpenAPI document, a bounded number of
generated requests each (deterministic, no shrinking, no example database), over real HTTP.

Run from a thread (``asyncio.to_thread``): the services under test run in the test's event loop, and
Schemathesis calls them synchronously.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Err

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def fuzz(
    document: dict[str, Any],
    base_url: str,
    session: requests.Session,
    *,
    max_examples: int = 15,
    skip: Callable[[str], bool] = lambda label: False,
    fixed: dict[str, Any] | None = None,
    **request_options: Any,
) -> list[str]:
    """Every failure found, one line per operation (the first failure of each); [] when none.
    ``request_options`` go to each request (``verify``, ``cert``: Schemathesis sets them itself);
    ``fixed`` pins parameters (``{"path.uai": "0310053P"}``) so the generated requests get past the
    authorisation and reach the routes' own work."""
    config = SchemathesisConfig.from_dict({"parameters": fixed or {}})
    schema = schemathesis.openapi.from_dict(document, config=config)
    failures: list[str] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):  # a document Schemathesis cannot read is a failure of its own
            failures.append(f"document: {result.err()}")
            continue
        operation = result.ok()
        if skip(operation.label):
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=max_examples,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )
        def run(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(
                base_url=base_url, session=session, checks=CHECKS, timeout=20, **request_options
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as failure:  # every operation is tried; all are listed
            failures.append(f"{operation.label}: {failure}")
    return failures


def fuzz_stateful(
    document: dict[str, Any],
    base_url: str,
    session: requests.Session,
    *,
    max_examples: int = 10,
    steps: int = 4,
    **request_options: Any,
) -> str | None:
    """Sequences following the document's links (a list, then the item it names…); the failure, if any."""
    schema = schemathesis.openapi.from_dict(document)

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"base_url": base_url, "session": session, "timeout": 20, **request_options}

        def validate_response(
            self, response: Any, case: schemathesis.Case[Any], *_: Any, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    bounded = settings(
        max_examples=max_examples,
        stateful_step_count=steps,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    try:
        Machine.run(settings=bounded)
    except (Exception, BaseExceptionGroup) as failure:
        return str(failure)
    return None
