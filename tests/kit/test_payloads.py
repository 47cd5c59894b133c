"""What travels through the client and comes back: `bot.kit.payloads` (button values and modal
metadata, parsed strictly, anything the bot did not write refused with `TamperedPayload`) and
`bot.kit.state` (reading a submitted modal's values, where an odd shape is an empty answer and
never an exception)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.kit import state
from bot.kit.payloads import (
    ButtonValue,
    Metadata,
    ModalMeta,
    PairingRef,
    PairRef,
    RoundRef,
    TamperedPayload,
)

ids = st.integers(min_value=1, max_value=10**12 - 1)  # at most 12 digits
indexes = st.integers(min_value=0, max_value=10**6)

# -- ButtonValue -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "dumped"),
    [
        (RoundRef(round_id=12), "12"),
        (PairRef(round_id=12, index=3), "12:3"),
        (PairRef(round_id=1, index=0), "1:0"),
        (PairingRef(pairing_id=999_999_999_999), "999999999999"),
    ],
)
def test_button_values_dump_in_field_order_and_parse_back(value: ButtonValue, dumped: str) -> None:
    assert value.dump() == dumped
    assert type(value).parse(dumped) == value


@given(round_id=ids, index=indexes, pairing_id=ids)
def test_any_valid_value_round_trips(round_id: int, index: int, pairing_id: int) -> None:
    for value in (
        RoundRef(round_id=round_id),
        PairRef(round_id=round_id, index=index),
        PairingRef(pairing_id=pairing_id),
    ):
        assert type(value).parse(value.dump()) == value
        assert len(value.dump()) <= 2000  # Slack's limit for a button's value


TAMPERED_IDS: list[object] = [
    "",
    None,
    "²",  # a digit to str.isdigit, not a number
    "١٢",  # Arabic-Indic digits
    "-1",
    "0",
    "1234567890123",  # 13 digits
    "9999999999999",
    "12 ",
    " 12",
    "1 2",
    "\n12",
    "1:2",  # a PairRef's shape where a RoundRef is expected
    "café",
    "0x10",
    "1e3",
    "1.0",
    "+5",
    '{"round_id": 12}',
    {"round_id": 12},
    ["12"],
    "a" * 41,
]


@pytest.mark.parametrize("raw", TAMPERED_IDS, ids=repr)
def test_tampered_round_and_pairing_refs_are_refused(raw: object) -> None:
    for kind in (RoundRef, PairingRef):
        with pytest.raises(TamperedPayload):
            kind.parse(raw)


@pytest.mark.parametrize(
    "raw",
    ["", None, "12", "12:3:4", "12:", ":3", "0:3", "12:-1", "12:1000001", "12:²", "12: 3", "12::3"],
    ids=repr,
)
def test_tampered_pair_refs_are_refused(raw: object) -> None:
    with pytest.raises(TamperedPayload):
        PairRef.parse(raw)


@given(st.text(max_size=30))
def test_parse_either_refuses_or_gives_a_valid_value(raw: str) -> None:
    """Whatever the client sends back, the answer is a valid value or TamperedPayload."""
    try:
        found = PairRef.parse(raw)
    except TamperedPayload:
        return
    assert 1 <= found.round_id <= 10**12 and 0 <= found.index <= 10**6


@pytest.mark.parametrize("kind", [RoundRef, PairingRef, ModalMeta])
def test_the_one_13_digit_number_is_refused_too(kind: type[ButtonValue | ModalMeta]) -> None:
    raw = '{"pairing_id": 1000000000000}' if kind is ModalMeta else "1000000000000"
    with pytest.raises(TamperedPayload):
        kind.parse(raw)


@pytest.mark.parametrize("raw", ["007", "1_000", "01"])
def test_spellings_the_bot_never_writes_are_refused(raw: str) -> None:
    with pytest.raises(TamperedPayload):
        RoundRef.parse(raw)


@pytest.mark.parametrize(("kind", "raw"), [(RoundRef, "12\n"), (PairRef, "12:3\n")])
def test_a_trailing_newline_is_refused(kind: type[ButtonValue], raw: str) -> None:
    with pytest.raises(TamperedPayload):
        kind.parse(raw)


def test_a_button_value_is_frozen_and_forbids_extra_fields() -> None:
    ref = RoundRef(round_id=3)
    with pytest.raises(ValidationError):
        ref.round_id = 4  # type: ignore[misc]
    with pytest.raises(ValidationError):
        RoundRef(round_id=3, extra=1)  # type: ignore[call-arg]


# -- Metadata ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "meta",
    [
        ModalMeta(),
        ModalMeta(channel_id="C0ADMINS"),
        ModalMeta(channel_id="D0123", edit=True),
        ModalMeta(channel_id="G12", pairing_id=999_999_999_999),
        ModalMeta(pairing_id=1),
    ],
)
def test_modal_meta_round_trips(meta: ModalMeta) -> None:
    assert ModalMeta.parse(meta.dump()) == meta


def test_defaults_are_left_out_of_the_dump() -> None:
    assert ModalMeta().dump() == "{}"
    assert json.loads(ModalMeta(edit=True).dump()) == {"edit": True}


@given(
    channel=st.one_of(st.none(), st.from_regex(r"\A[CDG][A-Z0-9]{2,30}\Z")),
    edit=st.booleans(),
    pairing_id=st.one_of(st.none(), ids),
)
def test_any_valid_modal_meta_round_trips(
    channel: str | None, edit: bool, pairing_id: int | None
) -> None:
    meta = ModalMeta(channel_id=channel, edit=edit, pairing_id=pairing_id)
    assert ModalMeta.parse(meta.dump()) == meta


@pytest.mark.parametrize("raw", ["{}", None, ""])
def test_empty_metadata_gives_the_defaults(raw: str | None) -> None:
    assert ModalMeta.parse(raw) == ModalMeta()


@pytest.mark.parametrize(
    "raw",
    [
        '{"unknown": 1}',
        '{"edit": true, "user_id": "U01MAYA"}',
        '{"pairing_id": "1"}',  # strict: a string is not a number
        '{"pairing_id": 1.0}',
        '{"pairing_id": true}',
        '{"pairing_id": 0}',
        '{"pairing_id": 1000000000001}',
        '{"edit": 1}',
        '{"edit": "true"}',
        '{"v": 2}',
        '{"channel_id": 12}',
        '{"channel_id": "X0ADMINS"}',
        '{"channel_id": "c0admins"}',
        '{"channel_id": "C1"}',
        '{"channel_id": "C0ADMINS "}',
        '{"channel_id": "C0ADMINS\\n"}',
        '{"channel_id": "C' + "1" * 31 + '"}',
        "null",
        "[]",
        '"{}"',
        "{",
        "not json",
    ],
)
def test_tampered_metadata_is_refused(raw: str) -> None:
    with pytest.raises(TamperedPayload):
        ModalMeta.parse(raw)


@pytest.mark.parametrize("raw", [{}, {"edit": True}, b"{}", 1, ["{}"]], ids=repr)
def test_metadata_that_is_not_a_string_is_refused(raw: object) -> None:
    with pytest.raises(TamperedPayload):
        ModalMeta.parse(raw)


class _Notes(Metadata):
    """A metadata with room enough to go over Slack's limit."""

    note: str = ""
    LIMIT: ClassVar[int] = 3000


def test_a_dump_over_3000_characters_raises() -> None:
    fits = _Notes(note="x" * (3000 - len('{"note":""}')))
    assert len(fits.dump()) == 3000
    with pytest.raises(ValueError, match="3,000"):
        _Notes(note="x" * 3000).dump()


# -- kit.state ---------------------------------------------------------------------------------


def _view(field: str, element: object) -> dict[str, Any]:
    return {"state": {"values": {field: {field: element}}}}


@pytest.mark.parametrize(
    "view",
    [
        None,
        [],
        "view",
        {},
        {"state": []},
        {"state": None},
        {"state": {}},
        {"state": {"values": [1]}},
        {"state": {"values": None}},
        {"state": {"values": "x"}},
    ],
    ids=repr,
)
def test_values_of_a_wrong_shape_is_empty(view: object) -> None:
    assert state.values_of(view) == {}


def test_values_of_keeps_only_blocks_that_are_mappings() -> None:
    view = {"state": {"values": {"a": {"a": {}}, "b": [1], "c": None, 1: {}}}}
    assert state.values_of(view) == {"a": {"a": {}}}


def test_well_formed_answers_are_read() -> None:
    values = {
        "goals": {"goals": {"type": "plain_text_input", "value": "Teach AI"}},
        "level": {"level": {"selected_option": {"value": "2"}}},
        "days": {"days": {"selected_options": [{"value": "mon"}, {"value": "tue"}]}},
        "blocked": {"blocked": {"selected_users": ["U01MAYA", "U01LENA"]}},
    }
    assert state.text(values, "goals") == "Teach AI"
    assert state.selected(values, "level") == "2"
    assert state.many(values, "days") == ("mon", "tue")
    assert state.users(values, "blocked") == ("U01MAYA", "U01LENA")


ODD_ELEMENTS: list[object] = [
    None,
    [],
    "x",
    7,
    {},
    {"value": None},
    {"value": 3},
    {"value": ["a"]},
    {"selected_option": None},
    {"selected_option": "2"},
    {"selected_option": {"value": None}},
    {"selected_option": {"value": ["2"]}},
    {"selected_options": None},
    {"selected_options": "mon"},
    {"selected_options": {"value": "mon"}},
    {"selected_options": [None, 1, "mon", {"text": "no value"}]},
    {"selected_users": None},
    {"selected_users": "U01MAYA"},
    {"selected_users": {"U01MAYA": True}},
]


@pytest.mark.parametrize("element", ODD_ELEMENTS, ids=repr)
def test_odd_shapes_give_empty_answers(element: object) -> None:
    values = state.values_of(_view("f", element))
    assert state.text(values, "f") == ""
    assert state.selected(values, "f") is None
    assert state.many(values, "f") == ()
    assert state.users(values, "f") == ()


def test_a_missing_field_gives_empty_answers() -> None:
    values = state.values_of(_view("f", {"value": "x"}))
    assert (state.text(values, "g"), state.selected(values, "g")) == ("", None)
    assert (state.many(values, "g"), state.users(values, "g")) == ((), ())


@pytest.mark.parametrize(
    ("element", "read"),
    [
        ({"selected_options": [{"value": None}]}, state.many),
        ({"selected_options": [{"value": {"a": 1}}]}, state.many),
        ({"selected_users": [None]}, state.users),
        ({"selected_users": [{"id": "U01MAYA"}]}, state.users),
        ({"selected_option": {"value": True}}, state.selected),
    ],
    ids=["many-none", "many-dict", "users-none", "users-dict", "selected-bool"],
)
def test_entries_that_are_not_strings_are_not_answers(element: object, read: Any) -> None:
    assert read(state.values_of(_view("f", element)), "f") in ((), None)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@given(view=json_values, element=json_values)
def test_reading_never_raises(view: object, element: object) -> None:
    for values in (state.values_of(view), state.values_of(_view("f", element))):
        assert all(isinstance(k, str) and isinstance(v, dict) for k, v in values.items())
        for field in ("f", *values):
            assert isinstance(state.text(values, field), str)
            assert isinstance(state.selected(values, field), str | None)
            assert all(isinstance(v, str) for v in state.many(values, field))
            assert all(isinstance(u, str) for u in state.users(values, field))


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("0", 0),
        ("12", 12),
        ("007", 7),
        ("999999999999", 999_999_999_999),
        ("²", None),
        ("١٢", None),
        ("", None),
        (None, None),
        ("-1", None),
        ("+1", None),
        ("1.5", None),
        (" 1", None),
        ("1000000000000", None),
    ],
)
def test_whole_number(raw: str | None, number: int | None) -> None:
    assert state.whole_number(raw) == number


@given(st.text(max_size=14))
def test_whole_number_is_none_or_what_was_typed(raw: str) -> None:
    found = state.whole_number(raw)
    assert found is None or (0 <= found < 10**12 and int(raw) == found and raw.isascii())
