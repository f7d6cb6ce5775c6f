"""The FHIR mapping costs a gateway nothing until a FHIR request comes: the library loads on first use."""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("fhir", "fhir_core", "pydantic", "pydantic_core")

_PROBE = """
import json, sys
from gateway.fhir import audit, capability, careteam, consent, referral, validate
resource = capability.capability_statement(base_url="https://tiimi.example/fhir",
                                           published_at="2026-11-24T00:00:00Z", version="0")
before = sorted({name.partition(".")[0] for name in sys.modules} & set(sys.argv[1:]))
validate.validated(resource)
after = sorted({name.partition(".")[0] for name in sys.modules} & set(sys.argv[1:]))
print(json.dumps([before, after]))
"""


def test_mapping_loads_no_fhir_library_and_validating_loads_it() -> None:
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", _PROBE, *HEAVY], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    before, after = json.loads(done.stdout.splitlines()[-1])
    assert before == []
    assert set(after) == set(HEAVY)
