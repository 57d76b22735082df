"""The core's one memo helper: bounded, and cleared all at once."""

from __future__ import annotations

from cleannote.rules.memo import clear_memos, memo


def test_a_memo_answers_from_memory_keeps_at_most_its_size_and_clears() -> None:
    # given a memoized function that counts its real calls
    calls: list[int] = []

    @memo(maxsize=2)
    def double(n: int) -> int:
        calls.append(n)
        return 2 * n

    # when asked again, and then past its size
    assert [double(1), double(1), double(2)] == [2, 2, 4]
    assert calls == [1, 2]
    double(3)  # 1 is the least recently used: dropped
    double(1)
    # then only what fits was remembered
    assert calls == [1, 2, 3, 1]
    # and clear_memos forgets every memo
    clear_memos()
    double(1)
    assert calls == [1, 2, 3, 1, 1]
