"""At most ``argon2_concurrency()`` Argon2 computations run at once in the process, whatever
mix of threads and event loops asks: the others wait (sync callers with the GIL released,
async callers on their event loop), so a burst of logins cannot allocate 19 MiB each."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Iterator

import pytest
from authcore.passwords import (
    Argon2Params,
    PasswordHasher,
    argon2_concurrency,
    set_argon2_concurrency,
)

# Small parameters: the limit, not the hash, is under test.
HASHER = PasswordHasher(Argon2Params(m_cost=4096, t_cost=3, p_cost=1))
STORED = HASHER.hash("correct horse")


@pytest.fixture
def limit() -> Iterator[int]:
    previous = set_argon2_concurrency(2)
    argon2_concurrency(reset_peak=True)
    try:
        yield 2
    finally:
        set_argon2_concurrency(previous)


def test_default_limit_is_the_cpu_count_and_zero_is_refused() -> None:
    assert argon2_concurrency()[0] >= 1
    previous = set_argon2_concurrency(3)
    try:
        assert set_argon2_concurrency(previous) == 3
        assert argon2_concurrency()[0] == previous
    finally:
        set_argon2_concurrency(previous)
    with pytest.raises(ValueError):
        set_argon2_concurrency(0)
    if previous == (os.cpu_count() or 1):  # unless another test changed it (it restores it)
        assert argon2_concurrency()[0] == os.cpu_count()


def test_threads_beyond_the_limit_wait_and_all_get_their_answer(limit: int) -> None:
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda ok=i % 2 == 0: results.append(
                HASHER.verify("correct horse" if ok else "wrong", STORED) is ok
            )
        )
        for i in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 8
    _, running, peak = argon2_concurrency()
    assert running == 0
    assert peak == limit  # eight callers, never more than two at once


@pytest.mark.asyncio
async def test_async_callers_wait_on_the_loop_which_keeps_running(limit: int) -> None:
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.001)

    tick_task = asyncio.create_task(ticker())
    started = time.monotonic()
    answers = await asyncio.gather(*(HASHER.averify("correct horse", STORED) for _ in range(12)))
    elapsed = time.monotonic() - started
    done.set()
    await tick_task
    assert answers == [True] * 12
    assert argon2_concurrency()[2] == limit
    assert ticks >= 5 or elapsed < 0.01  # the loop ran while the hashes waited and ran


def test_a_lower_limit_applies_to_the_next_callers(limit: int) -> None:
    set_argon2_concurrency(1)
    argon2_concurrency(reset_peak=True)
    threads = [threading.Thread(target=HASHER.verify, args=("x", STORED)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert argon2_concurrency()[1:] == (0, 1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_child_forked_while_a_thread_hashes_starts_with_no_running_count(limit: int) -> None:
    busy = threading.Event()

    def hash_in_background() -> None:
        busy.set()
        for _ in range(10):
            HASHER.verify("correct horse", STORED)

    thread = threading.Thread(target=hash_in_background)
    thread.start()
    busy.wait()
    time.sleep(0.005)  # inside a verification: the parent counts one running
    pid = os.fork()
    if pid == 0:  # the child: its own limit of 1 must not wait for the parent's thread
        code = 2
        try:
            set_argon2_concurrency(1)
            ok = HASHER.verify("correct horse", STORED)
            code = 0 if ok and argon2_concurrency()[1] == 0 else 1
        finally:
            os._exit(code)
    thread.join()
    deadline = time.monotonic() + 30
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail("the forked child waited for a computation of its parent")
        time.sleep(0.01)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forks_while_threads_enter_and_leave_the_limit_never_leave_a_child_stuck(
    limit: int,
) -> None:
    # Tiny hashes: the threads spend much of their time taking and giving back their slot,
    # so many forks land while one of them holds the lock of the limit. Each child must
    # still hash at once (before the fork hooks, about one child in twelve waited forever).
    tiny = PasswordHasher(Argon2Params(m_cost=8, t_cost=1, p_cost=1))
    stored = tiny.hash("pw")
    stop = threading.Event()

    def hash_until_stopped() -> None:
        while not stop.is_set():
            tiny.verify("pw", stored)

    threads = [threading.Thread(target=hash_until_stopped) for _ in range(3)]
    for t in threads:
        t.start()
    stuck = failed = 0
    try:
        for _ in range(200):
            pid = os.fork()
            if pid == 0:
                code = 2
                try:
                    code = 0 if tiny.verify("pw", stored) else 1
                finally:
                    os._exit(code)
            deadline = time.monotonic() + 10
            while True:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    failed += not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0)
                    break
                if time.monotonic() > deadline:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                    stuck += 1
                    break
                time.sleep(0.001)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert (stuck, failed) == (0, 0)
