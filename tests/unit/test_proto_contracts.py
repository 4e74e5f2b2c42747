"""The proto rules of CONVENTIONS.md, enforced on the descriptor of every generated module.

Each rule is a function from a file descriptor (plus an index of every message it may refer
to) to a list of violations. Each runs over every .proto of the suite, and each is also run
against a deliberately broken descriptor, so a rule that can never fail cannot hide here.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

FileProto = descriptor_pb2.FileDescriptorProto
MessageProto = descriptor_pb2.DescriptorProto
Field = descriptor_pb2.FieldDescriptorProto
Messages = dict[str, MessageProto]  # fully qualified name (".pkg.Msg") -> message
Rule = Callable[[FileProto, Messages], list[str]]

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT / "gen"
PROTOS = ROOT / "protos"
PACKAGE_RE = re.compile(r"^costgrid\.[a-z][a-z0-9_]*\.v[1-9][0-9]*$")


def _load_generated() -> list[FileProto]:
    files = []
    for path in sorted(GEN.rglob("*_pb2.py")):
        module = importlib.import_module(".".join(path.relative_to(GEN).with_suffix("").parts))
        proto = FileProto()
        module.DESCRIPTOR.CopyToProto(proto)
        files.append(proto)
    return files


def index_messages(files: list[FileProto]) -> Messages:
    index: Messages = {}

    def add(prefix: str, messages: list[MessageProto]) -> None:
        for message in messages:
            index[f"{prefix}.{message.name}"] = message
            add(f"{prefix}.{message.name}", list(message.nested_type))

    for proto in files:
        add(f".{proto.package}", list(proto.message_type))
    return index


def _all_messages(proto: FileProto) -> Iterator[MessageProto]:
    stack = list(proto.message_type)
    while stack:
        message = stack.pop()
        yield message
        stack.extend(message.nested_type)


def _methods(proto: FileProto) -> Iterator[tuple[str, descriptor_pb2.MethodDescriptorProto]]:
    for service in proto.service:
        for method in service.method:
            yield f"{service.name}.{method.name}", method


def _field(message: MessageProto | None, name: str) -> Field | None:
    return next((f for f in message.field if f.name == name), None) if message else None


def _upper_snake(pascal: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", pascal).upper()


# ---- The rules ----


def check_package(proto: FileProto, _: Messages) -> list[str]:
    expected = str(Path(proto.name).parent).replace("/", ".")
    if not PACKAGE_RE.match(proto.package):
        return [f"{proto.name}: package {proto.package!r} is not costgrid.<service>.v<N>"]
    if proto.package != expected:
        return [f"{proto.name}: package {proto.package!r} does not match its path {expected!r}"]
    return []


def check_service_suffix(proto: FileProto, _: Messages) -> list[str]:
    bad = [s.name for s in proto.service if not s.name.endswith("Service")]
    return [f"service {name} must end in 'Service'" for name in bad]


def check_rpc_messages(proto: FileProto, _: Messages) -> list[str]:
    errors, uses = [], Counter[str]()
    for rpc, method in _methods(proto):
        for actual, suffix in ((method.input_type, "Request"), (method.output_type, "Response")):
            uses[actual] += 1
            expected = f".{proto.package}.{method.name}{suffix}"
            if actual != expected:
                errors.append(f"{rpc}: {suffix.lower()} is {actual}, expected {expected}")
    errors += [f"{name} is shared by {n} RPCs" for name, n in uses.items() if n > 1]
    return errors


def check_enum_values(proto: FileProto, _: Messages) -> list[str]:
    errors = []
    for enum in proto.enum_type:
        prefix = _upper_snake(enum.name) + "_"
        zero = next((v for v in enum.value if v.number == 0), None)
        if zero is None or zero.name != prefix + "UNSPECIFIED":
            errors.append(f"enum {enum.name}: zero value must be {prefix}UNSPECIFIED")
        unprefixed = [v.name for v in enum.value if not v.name.startswith(prefix)]
        errors += [f"enum {enum.name}: value {name} lacks prefix {prefix}" for name in unprefixed]
    return errors


def check_enums_top_level(proto: FileProto, _: Messages) -> list[str]:
    nested = [f"{m.name}.{e.name}" for m in _all_messages(proto) for e in m.enum_type]
    return [f"enum {name} must be top-level" for name in nested]


def _has(message: MessageProto | None, name: str, kind: int, type_name: str = "") -> bool:
    field = _field(message, name)
    if field is None or field.label == Field.LABEL_REPEATED:
        return False
    return field.type == kind and field.type_name == type_name


def check_pagination(proto: FileProto, messages: Messages) -> list[str]:
    errors = []
    for rpc, method in _methods(proto):
        if not method.name.startswith("List"):
            continue
        request, response = messages.get(method.input_type), messages.get(method.output_type)
        if not _has(request, "page_size", Field.TYPE_INT32):
            errors.append(f"{rpc}: request lacks int32 page_size")
        if not _has(request, "page_token", Field.TYPE_STRING):
            errors.append(f"{rpc}: request lacks string page_token")
        if not _has(response, "next_page_token", Field.TYPE_STRING):
            errors.append(f"{rpc}: response lacks string next_page_token")
    return errors


def _requests_lacking(
    proto: FileProto, messages: Messages, verb: str, field: str, kind: int, type_name: str = ""
) -> list[str]:
    """RPCs named `verb`... whose request lacks a singular `field` of the given type."""
    return [
        rpc
        for rpc, method in _methods(proto)
        if method.name.startswith(verb)
        and not _has(messages.get(method.input_type), field, kind, type_name)
    ]


def check_update_mask(proto: FileProto, messages: Messages) -> list[str]:
    mask = ".google.protobuf.FieldMask"
    bad = _requests_lacking(proto, messages, "Update", "update_mask", Field.TYPE_MESSAGE, mask)
    return [f"{rpc}: request lacks google.protobuf.FieldMask update_mask" for rpc in bad]


def check_create_request_id(proto: FileProto, messages: Messages) -> list[str]:
    bad = _requests_lacking(proto, messages, "Create", "request_id", Field.TYPE_STRING)
    return [f"{rpc}: request lacks string request_id (idempotent retries)" for rpc in bad]


def check_no_floats(proto: FileProto, _: Messages) -> list[str]:
    floats = (Field.TYPE_FLOAT, Field.TYPE_DOUBLE)
    bad = [f"{m.name}.{f.name}" for m in _all_messages(proto) for f in m.field if f.type in floats]
    return [f"{name} is a float; use a decimal string or Money" for name in bad]


def check_no_org_in_requests(proto: FileProto, messages: Messages) -> list[str]:
    """The organization comes from the signed caller context; a request field could forge it."""
    errors, seen = [], set()
    stack = [(rpc, method.input_type) for rpc, method in _methods(proto)]
    while stack:
        rpc, type_name = stack.pop()
        message = messages.get(type_name)
        if message is None or type_name in seen:
            continue
        seen.add(type_name)
        for field in message.field:
            if field.name in ("org_id", "organization_id"):
                errors.append(f"{rpc}: request carries {message.name}.{field.name}")
            if field.type == Field.TYPE_MESSAGE:
                stack.append((rpc, field.type_name))
    return errors


RULES: dict[str, Rule] = {
    "package_is_versioned_and_matches_path": check_package,
    "service_names_end_in_service": check_service_suffix,
    "each_rpc_has_own_request_and_response": check_rpc_messages,
    "enum_zero_is_unspecified_and_values_prefixed": check_enum_values,
    "enums_are_top_level": check_enums_top_level,
    "every_list_paginates": check_pagination,
    "every_update_takes_field_mask": check_update_mask,
    "every_create_takes_request_id": check_create_request_id,
    "no_float_or_double_fields": check_no_floats,
    "no_request_carries_an_organization": check_no_org_in_requests,
}

FILES = _load_generated()
MESSAGES = index_messages(FILES)


def test_every_proto_has_a_generated_module() -> None:
    expected = {p.relative_to(PROTOS).as_posix() for p in PROTOS.rglob("*.proto")}
    assert {f.name for f in FILES} == expected


def test_the_suite_serves_every_service_its_issues_name() -> None:
    services = {f"{f.package}.{s.name}" for f in FILES for s in f.service}
    assert services == {
        "costgrid.ingest.v1.CloudAccountService",
        "costgrid.ingest.v1.SyncService",
        "costgrid.ingest.v1.CostQueryService",
        "costgrid.budgets.v1.BudgetService",
        "costgrid.budgets.v1.ForecastService",
        "costgrid.budgets.v1.AnomalyService",
        "costgrid.invoicing.v1.InvoiceService",
        "costgrid.notifier.v1.NotificationService",
        "costgrid.metering.v1.MeteringService",
        "costgrid.gateway.v1.TokenService",
    }


@pytest.mark.parametrize("proto", FILES, ids=lambda f: f.name)
@pytest.mark.parametrize("rule", sorted(RULES))
def test_protos_follow_the_rule(rule: str, proto: FileProto) -> None:
    assert RULES[rule](proto, MESSAGES) == []


# ---- Each rule catches a deliberately bad descriptor ----

PKG = "costgrid.demo.v1"


def _f(name: str, kind: Field.Type.ValueType = Field.TYPE_STRING, type_name: str = "") -> Field:
    # Field numbers are irrelevant to every rule; zero keeps the fixtures short.
    return Field(name=name, type=kind, type_name=type_name, label=Field.LABEL_OPTIONAL)


def _demo(
    *rpcs: tuple[str, list[Field], list[Field]],
    extra: tuple[MessageProto, ...] = (),
    services: tuple[str, ...] = ("DemoService",),
) -> FileProto:
    """A file with each service serving `rpcs` (name, request fields, response fields)."""
    proto = FileProto(name="costgrid/demo/v1/service.proto", package=PKG)
    for name, request_fields, response_fields in rpcs:
        proto.message_type.add(name=f"{name}Request", field=request_fields)
        proto.message_type.add(name=f"{name}Response", field=response_fields)
    for service_name in services:
        service = proto.service.add(name=service_name)
        for name, _, _ in rpcs:
            service.method.add(
                name=name, input_type=f".{PKG}.{name}Request", output_type=f".{PKG}.{name}Response"
            )
    proto.message_type.extend(extra)
    return proto


def _misnamed_rpc() -> FileProto:
    proto = FileProto(name="costgrid/demo/v1/service.proto", package=PKG)
    proto.message_type.add(name="ThingQuery")
    proto.message_type.add(name="Thing")
    proto.service.add(name="DemoService").method.add(
        name="GetThing", input_type=f".{PKG}.ThingQuery", output_type=f".{PKG}.Thing"
    )
    return proto


def _bad_enum() -> FileProto:
    proto = _demo()
    enum = proto.enum_type.add(name="Color")
    enum.value.add(name="RED", number=0)
    enum.value.add(name="COLOR_BLUE", number=1)
    return proto


def _nested_enum() -> FileProto:
    thing = MessageProto(name="Thing")
    thing.enum_type.add(name="Kind").value.add(name="KIND_UNSPECIFIED", number=0)
    return _demo(extra=(thing,))


MASK = ".google.protobuf.FieldMask"
GOOD = _demo(
    ("ListThings", [_f("page_size", Field.TYPE_INT32), _f("page_token")], [_f("next_page_token")]),
    ("UpdateThing", [_f("update_mask", Field.TYPE_MESSAGE, MASK)], []),
    ("CreateThing", [_f("request_id")], []),
)
UNVERSIONED = FileProto(name="costgrid/demo/v1/a.proto", package="costgrid.demo")
ELSEWHERE = FileProto(name="costgrid/demo/v1/a.proto", package="costgrid.other.v1")
SHARED = _demo(("GetThing", [], []), services=("AService", "BService"))
BARE_LIST = _demo(("ListThings", [_f("page_size", Field.TYPE_INT64)], []))
STRING_MASK = _demo(("UpdateThing", [_f("update_mask")], []))
PRICE = MessageProto(name="Price", field=[_f("amount", Field.TYPE_DOUBLE)])
NESTED_DOUBLE = _demo(extra=(MessageProto(name="Thing", nested_type=[PRICE]),))
FILTER = MessageProto(name="Filter", field=[_f("org_id")])
ORG_FILTER = _demo(
    ("GetThing", [_f("filter", Field.TYPE_MESSAGE, f".{PKG}.Filter")], []), extra=(FILTER,)
)

BAD_CASES: list[tuple[Rule, FileProto, str]] = [
    (check_package, UNVERSIONED, "is not costgrid.<service>.v<N>"),
    (check_package, ELSEWHERE, "does not match its path"),
    (check_service_suffix, _demo(services=("Demo",)), "must end in 'Service'"),
    (check_rpc_messages, _misnamed_rpc(), "expected .costgrid.demo.v1.GetThingRequest"),
    (check_rpc_messages, _misnamed_rpc(), "expected .costgrid.demo.v1.GetThingResponse"),
    (check_rpc_messages, SHARED, "GetThingRequest is shared by 2 RPCs"),
    (check_enum_values, _bad_enum(), "zero value must be COLOR_UNSPECIFIED"),
    (check_enum_values, _bad_enum(), "value RED lacks prefix COLOR_"),
    (check_enums_top_level, _nested_enum(), "Thing.Kind must be top-level"),
    (check_pagination, BARE_LIST, "lacks int32 page_size"),
    (check_pagination, BARE_LIST, "lacks string page_token"),
    (check_pagination, BARE_LIST, "lacks string next_page_token"),
    (check_update_mask, STRING_MASK, "lacks google.protobuf.FieldMask update_mask"),
    (check_create_request_id, _demo(("CreateThing", [], [])), "lacks string request_id"),
    (check_no_floats, NESTED_DOUBLE, "Price.amount is a float"),
    (check_no_org_in_requests, ORG_FILTER, "request carries Filter.org_id"),
]


@pytest.mark.parametrize(("rule", "proto", "fragment"), BAD_CASES, ids=[c[2] for c in BAD_CASES])
def test_rule_catches_a_bad_descriptor(rule: Rule, proto: FileProto, fragment: str) -> None:
    errors = rule(proto, index_messages([proto]))
    assert any(fragment in error for error in errors), errors


def test_every_rule_has_a_bad_case() -> None:
    assert {case[0] for case in BAD_CASES} == set(RULES.values())


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_passes_a_well_formed_descriptor(rule: str) -> None:
    assert RULES[rule](GOOD, index_messages([GOOD])) == []
