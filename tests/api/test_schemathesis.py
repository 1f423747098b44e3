"""Schemathesis against the live API: generated requests for every operation of the OpenAPI schema,
as each role, must produce no server error and no response that contradicts the schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from guardian.shortcuts import assign_perm

from core.models import Mission
from accounts.tokens import api_token_create
from tests.factories import make_approver
from tests.security.access_world import build_world

pytestmark = [pytest.mark.django_db(transaction=True)]
EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "6")


@pytest.mark.parametrize("persona", ["officer", "advocate", "analyst", "chief"])
def test_the_live_api_has_no_server_error_and_matches_its_schema(persona, postgres, live_server, tmp_path):
    world = build_world()
    world.users["chief"] = make_approver("chief", Mission.objects.get(name="Central African Republic"))
    assign_perm("victims.view_identity", world.users["chief"])
    _token, key = api_token_create(actor=type(world.users[persona]).objects.get(pk=world.users[persona].pk),
                                   name="schemathesis")
    schemathesis = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
        [str(schemathesis), "run", f"{live_server.url}/api/v1/schema/", "-H", f"Authorization: Token {key}",
         "--checks", "not_a_server_error,response_schema_conformance", "--phases", "examples,coverage,fuzzing",
         "--max-examples", EXAMPLES, "--workers", "2", "--request-timeout", "30", "--no-color"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    report = result.stdout[-6000:]
    assert result.returncode == 0, report
    assert "generated" in report  # it really ran cases
