import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.errors import InvalidArgument
from services.common.pagination import decode_token, encode_token, page_of, page_size

SECRET = b"s3cret"


@given(st.lists(st.one_of(st.integers(), st.text(max_size=20)), min_size=1, max_size=4))
def test_token_round_trips_the_keyset(key):
    assert decode_token(encode_token(key, SECRET, "q"), SECRET, "q") == key


def test_empty_token_means_first_page():
    assert decode_token("", SECRET) is None


def test_tampered_token_is_invalid_argument_on_page_token():
    token = encode_token([42], SECRET)
    with pytest.raises(InvalidArgument) as caught:
        decode_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], SECRET)
    assert caught.value.field == "page_token"


def test_token_from_another_query_is_rejected():
    with pytest.raises(InvalidArgument, match="different query"):
        decode_token(encode_token([1], SECRET, "status=PAID"), SECRET, "status=DRAFT")


def test_garbage_token_is_rejected():
    with pytest.raises(InvalidArgument):
        decode_token("not-a-token!!", SECRET)


@pytest.mark.parametrize(("requested", "expected"), [(0, 50), (10, 10), (10_000, 500)])
def test_page_size_defaults_and_caps(requested, expected):
    assert page_size(requested) == expected


def test_negative_page_size_is_rejected():
    with pytest.raises(InvalidArgument):
        page_size(-1)


def test_a_page_fetched_one_over_its_size_has_a_token_for_the_rest():
    page, token = page_of([1, 2, 3], 2, lambda n: [n], SECRET, "q")
    assert page == [1, 2]
    assert decode_token(token, SECRET, "q") == [2]


def test_the_last_page_has_no_token():
    assert page_of([1, 2], 2, lambda n: [n], SECRET) == ([1, 2], "")
    assert page_of([], 2, lambda n: [n], SECRET) == ([], "")
