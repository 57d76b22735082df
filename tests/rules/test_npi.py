"""The NPI check digit (Luhn over "80840" + the first nine digits)."""

import pytest

from cleannote.rules.npi import is_valid_npi, npi_check_digit, npi_problem


@pytest.mark.parametrize(
    ("npi", "valid"),
    [
        pytest.param("1234567893", True, id="cms-worked-example"),
        pytest.param("1245319599", True, id="valid-2"),
        pytest.param("1234567890", False, id="wrong-check-digit"),
        pytest.param("123456789", False, id="nine-digits"),
        pytest.param("12345678931", False, id="eleven-digits"),
        pytest.param("12345A7893", False, id="letter"),
        pytest.param("１２３４５６７８９３", False, id="non-ascii-digits"),
        pytest.param("", False, id="empty"),
    ],
)
def test_is_valid_npi(npi, valid):
    # given an NPI as typed / when checked / then the check digit decides
    assert is_valid_npi(npi) is valid


def test_check_digit_of_cms_example():
    assert npi_check_digit("123456789") == 3


def test_problem_names_the_value_and_the_fix():
    assert npi_problem("1234567890") == (
        "NPI '1234567890' fails the check digit: look for a mistyped digit"
    )
    assert npi_problem("12") == "NPI '12' must be exactly 10 digits"
    assert npi_problem("1234567893") is None


def test_check_digit_refuses_a_bad_base():
    with pytest.raises(ValueError, match="expected exactly 9 digits"):
        npi_check_digit("12345")
