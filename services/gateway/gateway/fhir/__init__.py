"""tiimi's FHIR R4 face: pure functions from the gateway's answers to FHIR resources.

- ``careteam.care_team``: a client's team as a CareTeam, the key worker as its lead;
- ``consent.consents``: a client's consents and denials as Consent resources;
- ``referral.task`` and ``referral.service_request``: a referral as a Task and the ServiceRequest
  it fulfils, Gravity-style; ``referral.change_from_task``: a partner's Task update read back;
- ``audit.audit_events``: disclosure-log entries as AuditEvents, and
  ``audit.disclosure_notifications``: disclosures to another controller as notification Bundles;
- ``capability.capability_statement``: what ``/fhir/metadata`` answers;
- ``bundles.searchset`` and ``bundles.operation_outcome``: a search's answer, and an error as FHIR says it.

Each answers plain JSON-ready dicts and imports nothing heavy; ``validate.validated`` checks a
resource with the ``fhir.resources`` library, which it imports on first use (see docs/fhir.md).
No resource carries a personal identity code unless its function is given the code and
``may_see_code=True``.
"""
