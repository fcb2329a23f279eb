"""Argon2 runs with the GIL released, and the async methods keep the event loop running.

These tests count progress (loop iterations, event-loop ticks) made by other Python code while a
hash runs; they never compare durations."""

from __future__ import annotations

import asyncio
import re
import sys
import threading
import time
from collections.abc import Awaitable, Callable

from authcore import Argon2Params, PasswordHasher
from authcore.passwords import hash_password, verify_password

OWASP = Argon2Params.OWASP
PASSWORD = "correct horse battery staple"


def progress_during(call: Callable[[], object], attempts: int = 3) -> int:
    """Most steps another Python thread makes while ``call`` runs, over a few attempts.

    The other thread needs the GIL for each step and gives it back after each one
    (``time.sleep(0)``). The switch interval is raised for the measurement, so this thread is
    never forced to hand over the GIL while it runs Python code: the other thread can only step
    while ``call`` has released the GIL."""
    count = 0
    stop = threading.Event()
    started = threading.Event()

    def stepper() -> None:
        nonlocal count
        started.set()
        while not stop.is_set():
            count += 1
            time.sleep(0)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1.0)
    t = threading.Thread(target=stepper, daemon=True)
    t.start()
    started.wait()
    best = 0
    try:
        for _ in range(attempts):
            before = count
            call()
            best = max(best, count - before)
    finally:
        stop.set()
        t.join()
        sys.setswitchinterval(interval)
    return best


def catastrophic_regex() -> None:
    # The `re` engine keeps the GIL for the whole match: the control for the measurement.
    re.match(r"(a+)+b", "a" * 21)


def test_control_a_gil_holding_call_stops_other_threads() -> None:
    assert progress_during(catastrophic_regex, attempts=1) <= 2


def test_hashing_releases_the_gil() -> None:
    assert progress_during(lambda: hash_password(PASSWORD, OWASP)) > 100


def test_verifying_releases_the_gil() -> None:
    stored = hash_password(PASSWORD, OWASP)
    assert progress_during(lambda: verify_password(PASSWORD, stored)) > 100


def test_parallel_hashes_in_threads_are_all_correct() -> None:
    # Each thread has its own Argon2 memory; mixing them up would break verification.
    params = [Argon2Params(m, 1, 1) for m in (64, 256, 1024, 4096)] * 2
    results: list[tuple[str, str]] = []
    lock = threading.Lock()

    def work(i: int, p: Argon2Params) -> None:
        pw = f"password-{i}"
        h = hash_password(pw, p)
        with lock:
            results.append((pw, h))

    threads = [threading.Thread(target=work, args=(i, p)) for i, p in enumerate(params)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == len(params)
    for pw, h in results:
        assert verify_password(pw, h)
        assert not verify_password(pw + "x", h)


def ticks_during(make: Callable[[], Awaitable[object]]) -> int:
    """Event-loop ticks another coroutine makes while the awaitable from ``make()`` runs."""

    async def main() -> int:
        ticks = 0
        done = False

        async def ticker() -> None:
            nonlocal ticks
            while not done:
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        start = ticks
        await make()
        during = ticks - start
        done = True
        await task
        return during

    return asyncio.run(main())


def test_async_methods_do_not_block_the_event_loop() -> None:
    hasher = PasswordHasher(OWASP)
    stored = hasher.hash(PASSWORD)
    assert ticks_during(lambda: hasher.ahash(PASSWORD)) > 10
    assert ticks_during(lambda: hasher.averify(PASSWORD, stored)) > 10
    assert ticks_during(lambda: hasher.averify_and_update(PASSWORD, stored)) > 10
    assert ticks_during(lambda: hasher.adummy_verify(PASSWORD)) > 10


def test_control_a_blocking_coroutine_stops_the_ticker() -> None:
    hasher = PasswordHasher(OWASP)

    async def blocking() -> str:
        return hasher.hash(PASSWORD)

    assert ticks_during(blocking) <= 1


def test_async_results() -> None:
    hasher = PasswordHasher(Argon2Params(64, 1, 1))

    async def main() -> None:
        stored = await hasher.ahash(PASSWORD)
        assert await hasher.averify(PASSWORD, stored)
        assert not await hasher.averify("nope", stored)
        assert await hasher.averify_and_update(PASSWORD, stored) == (True, None)
        assert await hasher.adummy_verify(PASSWORD) is False

    asyncio.run(main())
