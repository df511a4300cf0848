"""Deliveries in threads (`smtp.connections`): the caller makes each message and records
each result, a worker thread per connection only sends.

A worker is given a message only once the result of its previous one has been handed back,
so at most one message per worker is sent and not yet recorded: a killed run sends at most
that many again. Each worker owns its delivery (an SMTP connection is not shared between
threads); the caller's thread keeps the state database to itself. With one worker, the next
reader's message is made while the previous one is on the wire.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from feedkit.mail.delivery import Outcome, Sender
from feedkit.mail.wire import Copy


@dataclass(frozen=True)
class Done:
    """A worker's result for one reader: an Outcome, or what `send` raised."""

    worker: int
    email: str  # the reader's key in the digest's recipients
    outcome: Outcome | None
    error: BaseException | None = None


_Task = tuple[str, EmailMessage | Copy, str] | None  # key, message, address; None: stop


class Workers:
    """`count` deliveries opened with `open_sender`, each sending in a thread of its own."""

    def __init__(self, open_sender: Callable[[], Sender], count: int) -> None:
        self._results: queue.Queue[Done] = queue.Queue()
        self._senders: list[Sender] = []
        try:
            for _ in range(count):
                self._senders.append(open_sender())
        except BaseException:
            for sender in self._senders:
                sender.close()
            raise
        self._tasks: list[queue.Queue[_Task]] = [queue.Queue() for _ in self._senders]
        self._idle = list(range(len(self._senders)))[::-1]
        self._threads = [
            threading.Thread(target=self._work, args=(i,), name=f"feedkit-send-{i + 1}")
            for i in range(len(self._senders))
        ]
        for thread in self._threads:
            thread.start()

    @property
    def in_flight(self) -> int:
        """Return how many messages are with a worker, their results not yet taken."""
        return len(self._senders) - len(self._idle)

    @property
    def idle(self) -> bool:
        return bool(self._idle)

    def submit(self, key: str, message: EmailMessage | Copy, address: str) -> None:
        """Give the message to an idle worker (call only when `idle`)."""
        self._tasks[self._idle.pop()].put((key, message, address))

    def result(self) -> Done:
        """Wait for the next result; its worker is idle again."""
        done = self._results.get()
        self._idle.append(done.worker)
        return done

    def ready(self) -> list[Done]:
        """Return the results already in, without waiting; their workers are idle again."""
        done: list[Done] = []
        while True:
            try:
                done.append(self._results.get_nowait())
            except queue.Empty:
                break
            self._idle.append(done[-1].worker)
        return done

    def _work(self, index: int) -> None:
        sender, tasks = self._senders[index], self._tasks[index]
        try:
            while (task := tasks.get()) is not None:
                key, message, address = task
                try:
                    self._results.put(Done(index, key, sender.send(message, address)))
                except BaseException as exc:  # handed to the caller's thread, raised there
                    self._results.put(Done(index, key, None, exc))
        finally:
            sender.close()

    def close(self) -> None:
        """Let each worker finish the message it has, then close its delivery."""
        for tasks in self._tasks:
            tasks.put(None)
        for thread in self._threads:
            thread.join()
