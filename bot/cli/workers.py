"""`partnerbot serve --workers N`: N serving processes on one port, for a machine with
the cores.

Each worker is a whole bot (its own database pool, answer cache and name index) bound
to the same port with SO_REUSEPORT, so the kernel spreads new connections over them.
Nothing a turn relies on is held by one process only: the retry ledger, dialog state,
operators and the data's versions are in the database (every worker sees a change at
once), the notification scheduler takes a lease in the database (one pass per slot,
whichever worker gets it). What stays per process: the per-sender rate limits (a
sender's connections may reach several workers, so a limit is per worker, as it is per
instance behind a load balancer) and /metrics (each scrape answers for one worker).

The parent starts the workers, restarts one that dies (after RESTART_DELAY_S, at most
MAX_RESTARTS in RESTART_WINDOW_S, else it stops them all and fails), and passes SIGTERM
and SIGINT on to them: a worker finishes its turns in flight and stops."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from types import FrameType

logger = logging.getLogger(__name__)

RESTART_DELAY_S = 1.0
MAX_RESTARTS = 5
RESTART_WINDOW_S = 60.0
STOP_GRACE_S = 30.0  # then a worker still running is killed


def _spawn(serve: Callable[[int], int], number: int) -> int:
    pid = os.fork()
    if pid == 0:  # the worker
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        code = 1
        try:
            code = serve(number)
        except (KeyboardInterrupt, SystemExit):  # a second stop signal while stopping
            code = 0
        except BaseException:  # noqa: BLE001 - a worker never returns into the parent's code
            logger.exception("worker %d failed", number)
        finally:
            os._exit(code)
    return pid


def run_workers(count: int, serve: Callable[[int], int]) -> int:
    """Run SERVE(number) in COUNT forked processes until a signal stops them; the exit
    code is 0 after a requested stop, 1 when workers kept dying."""
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(workers):
            _signal(pid, signal.SIGTERM)

    workers: dict[int, int] = {}  # pid -> worker number
    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    restarts: deque[float] = deque()
    failed = False
    try:
        for number in range(count):
            workers[_spawn(serve, number)] = number
        logger.info("serving with %d workers (pids %s)", count,
                    ", ".join(str(p) for p in workers))
        while workers:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            if pid not in workers:
                continue
            number = workers.pop(pid)
            if stopping:
                continue
            code = os.waitstatus_to_exitcode(status)
            now = time.monotonic()
            while restarts and restarts[0] < now - RESTART_WINDOW_S:
                restarts.popleft()
            if len(restarts) >= MAX_RESTARTS:
                logger.error("worker %d exited (%d); %d restarts in %.0f s: stopping",
                             number, code, len(restarts), RESTART_WINDOW_S)
                failed = True
                stop(signal.SIGTERM, None)
                continue
            logger.warning("worker %d exited (%d); restarting it", number, code)
            restarts.append(now)
            time.sleep(RESTART_DELAY_S)
            if not stopping:
                workers[_spawn(serve, number)] = number
    finally:
        _reap(workers)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 1 if failed else 0


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _reap(workers: dict[int, int]) -> None:
    """Wait for the workers still running (STOP_GRACE_S), then kill the rest."""
    deadline = time.monotonic() + STOP_GRACE_S
    while workers and time.monotonic() < deadline:
        for pid in list(workers):
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                workers.pop(pid)
        time.sleep(0.05)
    for pid in list(workers):
        _signal(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        workers.pop(pid)
