"""Every RPC of every service, called with generated arguments (hypothesis) on a real broker and database.

The RPCs are found on the service classes, and each one's strategy is derived from the marshmallow
schema its entrypoint loads (read from its source), so a new RPC or a new field is fuzzed without
anyone writing a strategy for it; an RPC whose schema cannot be found fails the run. Each field is
mostly given a value its schema accepts (identifiers of rows that exist among them, so that calls
go deep), and otherwise left out, or given junk: wrong types, huge strings, NUL and other odd
Unicode, dates at the ends of the calendar, deeply nested values. Extra fields, an
``idempotency_key`` (an ordinary optional argument of the mutating RPCs), and positional arguments
are added now and then.

Every answer must be well formed (JSON objects), or a refusal of the kernel's own types (a
validation error naming fields the call sent or the schema has); never an internal error. A
refused call must change no row of any table of the service's database.

``make test`` runs a few seeded examples per RPC (TIIMI_FUZZ_EXAMPLES, default 6, SQLite);
``make fuzz`` runs many more, unseeded, on SQLite and PostgreSQL (TIIMI_FUZZ_DATABASES).
"""
from __future__ import annotations

import inspect
import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields, validate
from nameko.exceptions import IncorrectSignature, RemoteError
from nameko.rpc import Rpc
from nameko.standalone.rpc import ClusterRpcProxy

import consent
import consent.schemas
import gateway
import notify
import referral
import team
import team.schemas
from consent.service import ConsentService
from gateway.service import GatewayService
from notify.service import NotifyService
from referral.service import ReferralService
from team.identity import new_keys
from team.service import TeamService
from tiimi_shared import contracts
from tiimi_shared.errors import Conflict, Forbidden, NotFound, Unavailable, ValidationError
from tiimi_shared.schemas import Strict, load
from tiimi_shared.testing.fixtures import migrate
from tiimi_shared.testing.servers import free_port

EXAMPLES = int(os.environ.get("TIIMI_FUZZ_EXAMPLES", "6"))
SEEDED = "TIIMI_FUZZ_EXAMPLES" not in os.environ  # make test's short run is the same every time
DATABASES = os.environ.get("TIIMI_FUZZ_DATABASES", "sqlite").split(",")

COUNTY, NGO = "1234567-8", "0123456-7"
HETUS = ("131052-308T", "010101A123N")
SECRET = "a-local-secret-of-at-least-32-characters"

# Each service under test, its package, and the services it calls (started with it). None of those
# feeds an event back to the service under test, so its rows change only by the calls made here.
SERVICES: dict[str, tuple[type, ModuleType | None, tuple[type, ...]]] = {
    "consent": (ConsentService, consent, ()),
    "team": (TeamService, team, (ConsentService,)),
    "referral": (ReferralService, referral, (ConsentService, TeamService)),
    "notify": (NotifyService, notify, (ConsentService, TeamService)),
    "gateway": (GatewayService, gateway, ()),
}
PACKAGES = {ConsentService: consent, TeamService: team, ReferralService: referral, NotifyService: notify}
REFUSALS = (ValidationError, NotFound, Conflict, Forbidden, Unavailable)


# -- which RPCs there are, and what each one loads ---------------------------------------------------

def rpcs(service_cls: type) -> dict[str, Any]:
    """Every RPC entrypoint's method by name, as the class declares them (``@rpc`` or ``@command``)."""
    found = {}
    for name, method in inspect.getmembers(service_cls, inspect.isfunction):
        if any(isinstance(entrypoint, Rpc) for entrypoint in getattr(method, "nameko_entrypoints", ())):
            found[name] = method
    return found


class NoStrategy(LookupError):
    pass


def schema_of(service_cls: type, method: Any) -> type[Schema] | None:
    """The schema an RPC loads its keyword arguments with; None for an RPC that takes none.

    Read from the names the method's code uses (``schemas.GrantConsent``, or a module's ``_CHECK``
    made once), not from its source file, which may have changed since it was imported.
    """
    if not any(p.kind is p.VAR_KEYWORD for p in inspect.signature(method).parameters.values()):
        return None
    module = inspect.getmodule(service_cls)
    code = inspect.unwrap(method).__code__
    found: set[type[Schema]] = set()
    # A schema the module made once is the one (a use case's command type may share a schema's name);
    # else a schema the method names in its service's schemas module.
    for place in (vars(module), vars(module.schemas)):  # type: ignore[union-attr]
        found = {type(value) if isinstance(value, Strict) else value
                 for name in code.co_names if name in place for value in [place[name]]
                 if isinstance(value, Strict) or (isinstance(value, type) and issubclass(value, Strict))}
        if found:
            break
    if len(found) != 1:
        raise NoStrategy(f"{service_cls.name}.{method.__name__}: "  # type: ignore[attr-defined]
                         f"no one schema found to derive its arguments from: {sorted(map(str, found))}")
    return found.pop()


# -- strategies ---------------------------------------------------------------------------------------

NOW = datetime.now(UTC)
ZONES = (UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12)), timezone(timedelta(minutes=330)))
ODD_STRINGS = (
    "", " ", "\x00", "a\x00b", "\u202eevil", "\ufeff", "\u200b", "e\u0301\u0301\u0301", "😀" * 20,
    "Ω≈ç√∫", "'; DROP TABLE clients; --", "../../etc/passwd", "%s%s%n", "null", "NaN", "1e309",
    "x" * 100_000, "ä" * 5_000, "\n\r\t", "<script>alert(1)</script>",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59.999999-12:00", "9999-12-31", "0000-00-00T00:00:00Z",
    "+275760-09-13T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T00:00:00",
)
FAR_DATES = ("0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00+14:00", "0001-01-02T00:00:00-12:00",
             "9999-12-31T23:59:59.999999+00:00", "9999-12-31T23:59:59-12:00", "9999-12-31T00:00:00+14:00")
IDENTIFIERS = (COUNTY, NGO, "sw-1001", "ngo-7")


def nested(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"d": value}
    return value


json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),  # NaN and infinity are not JSON
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30),  # lone surrogates cannot travel
)
json_value = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
junk = st.one_of(json_value, st.sampled_from(ODD_STRINGS),
                 st.integers(min_value=1, max_value=120).map(nested))


def valid(field: fields.Field, name: str, known: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    """Values ``field`` should accept (or nearly: regular expressions and ranges at their edges)."""
    if isinstance(field, fields.Nested):
        schema = field.schema
        inner = arguments(type(schema), known, extras=False)
        return st.lists(inner, min_size=1, max_size=3) if schema.many else inner
    if isinstance(field, fields.List):
        item = field.inner
        choices = _choices(item)
        if choices:
            return st.lists(st.sampled_from(choices), min_size=1, max_size=len(choices), unique=True)
        return st.lists(valid(item, name, known), max_size=3)
    if isinstance(field, fields.UUID):
        ids = known.get(name) or known.get("any", [])
        return st.one_of(st.sampled_from(ids), st.uuids().map(str)) if ids else st.uuids().map(str)
    if isinstance(field, fields.DateTime):
        year = 400 * 86400
        near = st.integers(min_value=-year, max_value=year).map(lambda s: NOW + timedelta(seconds=s))
        moment = st.one_of(near, near, near, near, st.datetimes(min_value=datetime(1, 1, 2),
                                                                max_value=datetime(9999, 12, 30),
                                                    timezones=st.sampled_from(ZONES)))
        zoned = st.builds(lambda at, zone: at.astimezone(zone) if at.tzinfo else at.replace(tzinfo=zone),
                          moment, st.sampled_from(ZONES))
        return st.one_of(*[zoned.map(datetime.isoformat)] * 4, st.sampled_from(FAR_DATES))
    if isinstance(field, fields.Email):
        return st.one_of(st.emails(), st.just("someone@example.org"))
    if isinstance(field, fields.Boolean):
        return st.booleans()
    if isinstance(field, fields.Integer):
        ranges = [v for v in field.validators if isinstance(v, validate.Range)]
        if ranges:
            low = ranges[0].min if ranges[0].min is not None else -(10**6)
            high = ranges[0].max if ranges[0].max is not None else 10**6
            return st.integers(min_value=int(low), max_value=int(high))
        return st.integers(min_value=-(10**6), max_value=10**6)
    if isinstance(field, fields.Dict):
        keys = _choices(field.key_field) if field.key_field is not None else ()
        key = st.sampled_from(keys) if keys else st.text(max_size=10)
        value = valid(field.value_field, name, known) if field.value_field is not None else json_value
        return st.dictionaries(key, value, min_size=1, max_size=3)
    if name == "personal_identity_code":
        return st.one_of(st.sampled_from(HETUS), st.from_regex(r"\d{6}[-+A]\d{3}[0-9A-Y]", fullmatch=True))
    if not isinstance(field, fields.String):  # fields.Raw and the like
        return json_value
    choices = _choices(field)
    if choices:
        return st.sampled_from(choices)
    patterns = [v.regex.pattern for v in field.validators if isinstance(v, validate.Regexp)]
    if patterns:
        is_identifier = patterns[0] == contracts.IDENTIFIER.regex.pattern
        known_ids = st.sampled_from(IDENTIFIERS) if is_identifier else st.nothing()
        return st.one_of(known_ids, st.from_regex(patterns[0], fullmatch=True))
    lengths = [v for v in field.validators if isinstance(v, validate.Length)]
    low = lengths[0].min or 0 if lengths else 0
    high = lengths[0].max if lengths and lengths[0].max is not None else 60
    text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=low, max_size=min(high, 60))
    return st.one_of(text, st.just("y" * high))


def _choices(field: fields.Field) -> tuple[Any, ...]:
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            return tuple(validator.choices)
    return ()


def near_miss(field: fields.Field) -> st.SearchStrategy[Any]:
    """Values just outside what ``field`` accepts: one too long, one past its range, a time without a zone."""
    misses: list[Any] = []
    for validator in field.validators:
        if isinstance(validator, validate.Length) and validator.max is not None:
            misses.append("y" * (validator.max + 1))
        if isinstance(validator, validate.Range):
            misses += [v + step for v, step in ((validator.min, -1), (validator.max, 1)) if v is not None]
    if isinstance(field, fields.DateTime):
        misses.append(NOW.replace(tzinfo=None).isoformat())
    return st.sampled_from(misses) if misses else junk


@st.composite
def _arguments(draw: st.DrawFn, schema_cls: type[Schema] | None, known: dict[str, list[str]],
               extras: bool) -> dict[str, Any]:
    # Half the calls are meant to be accepted (so that they reach the use cases), half carry flaws.
    flawed = draw(st.booleans())
    drawn: dict[str, Any] = {}
    if schema_cls is not None:
        for name, field in schema_cls().load_fields.items():
            key = field.data_key or name
            ways = ("valid",) if field.required else ("valid", "valid", "valid", "left out")
            if flawed:
                ways = ways * 4 + ("junk", "near miss", "left out")
            how = draw(st.sampled_from(ways))
            if how == "valid":
                drawn[key] = draw(valid(field, name, known))
            elif how == "junk":
                drawn[key] = draw(junk)
            elif how == "near miss":
                drawn[key] = draw(near_miss(field))
    if extras and flawed:
        if draw(st.sampled_from((False,) * 5 + (True,))):
            drawn |= draw(st.dictionaries(st.text(min_size=1, max_size=12), junk, min_size=1, max_size=2))
        if draw(st.sampled_from((False,) * 3 + (True,))):
            drawn["idempotency_key"] = draw(st.one_of(st.sampled_from(("key-1", "key-2")),
                                                      st.uuids().map(str),
                                                      junk))
    return drawn


def arguments(schema_cls: type[Schema] | None, known: dict[str, list[str]],
              extras: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    return _arguments(schema_cls, known, extras)


# -- the services, their databases and their rows -----------------------------------------------------

@pytest.fixture(params=DATABASES)
def database_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def urls(database_kind, infrastructure, tmp_path) -> Iterator[dict[type, str]]:
    made: dict[type, str] = {}
    for service_cls, package in PACKAGES.items():
        url = (f"sqlite:///{tmp_path / package.__name__}.db" if database_kind == "sqlite"
               else infrastructure.create_database())
        made[service_cls] = migrate(Path(package.__file__).parent / "migrations", url)
    yield made
    if database_kind != "sqlite":
        for url in made.values():
            infrastructure.drop_database(url)


def start(container_factory: Any, rabbit_config: dict[str, str], urls: dict[type, str],
          classes: tuple[type, ...]) -> None:
    identity_key, lookup_key = new_keys()
    common = rabbit_config | {"OUTBOX_INTERVAL": 0.1, "CONSENT_TIMEOUT": 3}
    configs: dict[type, dict[str, Any]] = {
        ConsentService: {"EXPIRY_INTERVAL": 3600},
        TeamService: {"IDENTITY_KEY": identity_key, "LOOKUP_KEY": lookup_key, "RECHECK_INTERVAL": 3600},
        ReferralService: {"DEADLINE_INTERVAL": 3600},
        NotifyService: {"DELIVERY_INTERVAL": 3600},
        GatewayService: {"WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}", "JWT_SECRET": SECRET,
                         "RPC_TIMEOUT": 10},
    }
    for service_cls in classes:
        database = {"DATABASE_URL": urls[service_cls]} if service_cls in urls else {}
        container_factory(service_cls, common | database | configs[service_cls]).start()


def row_counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table: connection.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                for table in sa.inspect(connection).get_table_names() if table != "alembic_version"}


def settle(engines: list[sa.Engine], quiet: float = 1.0, timeout: float = 30.0) -> None:
    """Wait until no row has changed for ``quiet`` seconds: the seeds' events handled, the log chained."""
    deadline = time.monotonic() + timeout
    last = [row_counts(engine) for engine in engines]
    still_since = time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - still_since < quiet:
        time.sleep(0.2)
        now = [row_counts(engine) for engine in engines]
        if now != last:
            last, still_since = now, time.monotonic()


def seed(rpc: Any, classes: tuple[type, ...]) -> dict[str, list[str]]:
    """Rows the generated calls can name: a client with a team, consents, a denial, a referral."""
    known: dict[str, list[str]] = {}

    def keep(**ids: str) -> None:
        for name, value in ids.items():
            known.setdefault(name, []).append(value)
            known.setdefault("any", []).append(value)

    client_id = str(uuid.uuid4())
    if TeamService in classes:
        client_id = rpc.team.register_client(
            name="Maija Meikäläinen", personal_identity_code=HETUS[0], preferred_language="fi",
            municipality="837", registered_by="sw-1001")["id"]
        made = rpc.team.create_team(
            client_id=client_id, organisation=COUNTY, created_by="sw-1001", key_worker={
                "professional_id": "sw-1001", "name": "S. Social", "organisation": COUNTY,
                "role": "social_worker"})
        member = rpc.team.add_member(team_id=made["id"], kind="close_one", name="Matti", relation="spouse",
                                     added_by="sw-1001")
        keep(team_id=made["id"], member_id=member["id"])
    keep(client_id=client_id)
    if ConsentService in classes:
        granted = rpc.consent.grant(client_id=client_id, given_by={"kind": "client"},
                                    recipient_organisation=NGO,
                                    categories=list(contracts.CATEGORIES), purposes=list(contracts.PURPOSES),
                                    method="written", recorded_by="sw-1001")
        denial = rpc.consent.deny(client_id=client_id, organisation="7654321-0", categories=["health"],
                                  recorded_by="sw-1001")
        keep(consent_id=granted["id"], denial_id=denial["id"])
    if ReferralService in classes:
        referral_ = rpc.referral.create_referral(
            client_id=client_id, requesting_organisation=COUNTY, requested_by="sw-1001",
            target_organisation=NGO, service="housing_guidance", reason="housing",
            share={"basic": {"language": "fi"}}, accept_by=(NOW + timedelta(days=3)).isoformat())
        keep(referral_id=referral_["id"])
    return known


# -- the run ------------------------------------------------------------------------------------------

class Outcomes:
    """What the calls of one run came to, per RPC; and what went wrong, each kind once."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.failures: dict[tuple[str, str], str] = {}

    def fail(self, rpc_name: str, what: str, detail: str) -> None:
        self.failures.setdefault((rpc_name, what), detail[:1500])


def names_fields(errors: Any, sent: dict[str, Any], schema_cls: type[Schema] | None) -> bool:
    """A validation error's keys are fields the call sent, fields the schema has, or the whole call."""
    if not isinstance(errors, dict) or not errors:
        return False
    declared = set(schema_cls().load_fields) if schema_cls else set()
    allowed = set(sent) | declared | {"_schema", "idempotency_key"}
    # A nested field's error is keyed by its path, "given_by.relation".
    return all(isinstance(key, str) and (key in allowed or key.split(".")[0] in allowed)
               for key in errors)


def call_once(rpc: Any, engine: sa.Engine | None, service: str, rpc_name: str,
              schema_cls: type[Schema] | None,
              kwargs: dict[str, Any], positional: list[Any], outcomes: Outcomes) -> None:
    before = row_counts(engine) if engine is not None else {}
    shown = repr({k: (v[:80] + "...") if isinstance(v, str) and len(v) > 80 else v
                  for k, v in kwargs.items()})
    refused = True
    try:
        answer = getattr(getattr(rpc, service), rpc_name)(*positional, **kwargs)
        refused = False
        if not isinstance(answer, (dict, list)) or json.loads(json.dumps(answer)) != answer:
            outcomes.fail(rpc_name, "a malformed answer", f"{answer!r} for {shown}")
        elif isinstance(answer, dict) and "errors" in answer and not names_fields(answer["errors"], kwargs,
                                                                                  schema_cls):
            outcomes.fail(rpc_name, "errors that name no field", f"{answer['errors']!r} for {shown}")
        outcomes.calls[(rpc_name, "answered")] += 1
    except ValidationError as error:
        if not names_fields(error.errors, kwargs, schema_cls):
            outcomes.fail(rpc_name, "a validation error naming no field", f"{error.errors!r} for {shown}")
        outcomes.calls[(rpc_name, "refused: ValidationError")] += 1
    except REFUSALS as error:
        outcomes.calls[(rpc_name, f"refused: {type(error).__name__}")] += 1
    except IncorrectSignature as error:
        # nameko's own refusal of arguments the method does not take; it names them.
        outcomes.calls[(rpc_name, "refused: IncorrectSignature")] += 1
        if positional == [] and not any(repr(key) in str(error) for key in kwargs):
            outcomes.fail(rpc_name, "an IncorrectSignature naming no argument", f"{error} for {shown}")
    except RemoteError as error:
        outcomes.fail(rpc_name, f"internal error {error.exc_type}", f"{error.value} for {shown}")
        outcomes.calls[(rpc_name, f"INTERNAL {error.exc_type}")] += 1
    if refused and engine is not None:
        after = row_counts(engine)
        if after != before:
            changed = {t: (before.get(t), n) for t, n in after.items() if before.get(t) != n}
            outcomes.fail(rpc_name, "a refused call changed rows", f"{changed} for {shown}")


def fuzz_one(rpc: Any, engine: sa.Engine | None, service: str, rpc_name: str,
             schema_cls: type[Schema] | None, known: dict[str, list[str]], outcomes: Outcomes) -> None:
    """Hypothesis's examples for one RPC, each called once on the live service."""
    @settings(max_examples=EXAMPLES, derandomize=SEEDED, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(kwargs=arguments(schema_cls, known),
           # One call in ten also passes positional arguments (hypothesis favours small integers, so
           # a choice among ten is drawn, not an integer).
           positional=st.sampled_from((False,) * 9 + (True,)).flatmap(
               lambda with_them: st.lists(json_scalar, min_size=1, max_size=2) if with_them else st.just([])))
    def fuzz(kwargs: dict[str, Any], positional: list[Any]) -> None:
        call_once(rpc, engine, service, rpc_name, schema_cls, kwargs, positional, outcomes)

    fuzz()


@pytest.mark.integration
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("service", list(SERVICES))
def test_every_rpc_answers_or_names_the_field_and_a_refusal_changes_no_row(
        service, container_factory, rabbit_config, urls):
    service_cls, _package, calls = SERVICES[service]
    classes = (service_cls, *calls)
    start(container_factory, rabbit_config, urls, classes)
    engine = sa.create_engine(urls[service_cls]) if service_cls in urls else None
    outcomes = Outcomes()
    started = time.monotonic()
    with ClusterRpcProxy(rabbit_config, timeout=30) as rpc:
        known = seed(rpc, classes)
        settle([engine] if engine is not None else [])
        for rpc_name, method in sorted(rpcs(service_cls).items()):
            fuzz_one(rpc, engine, service, rpc_name, schema_of(service_cls, method), known, outcomes)
    if engine is not None:
        engine.dispose()
    table = "\n".join(f"  {name:<32} {what:<34} {count}"
                      for (name, what), count in sorted(outcomes.calls.items()))
    print(f"\n{service}: {sum(outcomes.calls.values())} calls in {time.monotonic() - started:.0f} s\n{table}")
    reached = {name for name, _ in outcomes.calls}
    assert reached == set(rpcs(service_cls)), f"RPCs not reached: {set(rpcs(service_cls)) - reached}"
    assert not outcomes.failures, "\n".join(f"{name}: {what}: {detail}"
                                            for (name, what), detail in sorted(outcomes.failures.items()))


def test_every_rpc_of_every_service_has_a_strategy():
    """A new RPC whose arguments cannot be derived fails here, before any broker is needed."""
    missing = []
    for service_cls, _package, _calls in SERVICES.values():
        for method in rpcs(service_cls).values():
            try:
                schema_of(service_cls, method)
            except NoStrategy as error:
                missing.append(str(error))
    assert not missing, missing
    assert sum(len(rpcs(cls)) for cls, _p, _c in SERVICES.values()) >= 40


# -- what the fuzzing found, each kept as a plain regression test ------------------------------------

@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                                    "9999-12-31T00:00:00+00:00", "1899-12-31T23:59:59+00:00"])
def test_a_time_the_calendar_cannot_hold_in_utc_is_refused_naming_its_field(moment):
    """It was an internal error (OverflowError when the member was written), not a named field."""
    with pytest.raises(ValidationError) as refused:
        load(team.schemas.AddMember, {"team_id": str(uuid.uuid4()), "kind": "close_one", "name": "M",
                                      "relation": "spouse", "added_by": "sw-1", "ends_on": moment})
    assert set(refused.value.errors) == {"ends_on"}
    with pytest.raises(ValidationError) as nested_too:
        load(consent.schemas.GrantConsent, {
            "client_id": str(uuid.uuid4()), "given_by": {"kind": "client"}, "recipient_organisation": NGO,
            "categories": ["basic"], "purposes": ["referral"], "method": "written", "recorded_by": "sw-1",
            "valid_until": moment})
    assert set(nested_too.value.errors) == {"valid_until"}


def test_times_within_reach_still_load():
    loaded = load(team.schemas.AddMember, {"team_id": str(uuid.uuid4()), "kind": "close_one", "name": "M",
                                           "relation": "spouse", "added_by": "sw-1",
                                           "starts_on": "1900-01-01T00:00:00+00:00",
                                           "ends_on": "2999-12-31T23:59:59+14:00"})
    assert loaded["ends_on"].year == 2999


@pytest.mark.integration
@pytest.mark.parametrize("database_kind", ["sqlite", "postgresql"])
def test_a_nul_character_anywhere_is_refused_naming_its_field_on_either_database(
        database_kind, container_factory, rabbit_config, urls):
    """On PostgreSQL a NUL in an idempotency key or in any text was an internal error (no text column
    takes one); on SQLite it was stored. Either way it is now refused at the edge, naming the field."""
    classes = (ConsentService, TeamService, ReferralService)
    start(container_factory, rabbit_config, urls, classes)
    with ClusterRpcProxy(rabbit_config, timeout=30) as rpc:
        known = seed(rpc, classes)
        team_id, referral_id = known["team_id"][0], known["referral_id"][0]
        calls = {
            "idempotency_key": lambda: rpc.team.add_member(
                team_id=team_id, kind="close_one", name="Liisa", relation="sibling", added_by="sw-1001",
                idempotency_key="a\x00b"),
            "name": lambda: rpc.team.add_member(team_id=team_id, kind="close_one", name="Li\x00sa",
                                                relation="sibling", added_by="sw-1001"),
            "reason": lambda: rpc.referral.change_status(
                referral_id=referral_id, status="cancelled", reason="moved\x00away",
                by={"organisation": COUNTY, "professional_id": "sw-1001"}),
            "share": lambda: rpc.referral.create_referral(
                client_id=known["client_id"][0], requesting_organisation=COUNTY, requested_by="sw-1001",
                target_organisation=NGO, service="housing_guidance", reason="housing",
                share={"basic": {"note": "a\x00b"}}, accept_by=(NOW + timedelta(days=3)).isoformat()),
            "summary": lambda: rpc.consent.withdraw(consent_id=known["consent_id"][0], withdrawn_by="sw-1001",
                                                    reason="\x00"),
        }
        engines = {cls: sa.create_engine(urls[cls]) for cls in classes}
        settle(list(engines.values()))
        try:
            for field, call in calls.items():
                before = {cls: row_counts(engine) for cls, engine in engines.items()}
                with pytest.raises(ValidationError) as refused:
                    call()
                assert set(refused.value.errors) == {"reason" if field == "summary" else field}, field
                assert {cls: row_counts(engine) for cls, engine in engines.items()} == before, field
        finally:
            for engine in engines.values():
                engine.dispose()


def test_a_nul_character_in_a_nested_value_names_the_top_field():
    with pytest.raises(ValidationError) as refused:
        load(team.schemas.AddMember, {"team_id": str(uuid.uuid4()), "kind": "close_one", "name": "M",
                                      "relation": "spouse", "added_by": "sw-1",
                                      "contact": {"address": "Katu\x001"}})
    assert set(refused.value.errors) == {"contact"}
