"""Deliveries in threads (`smtp.connections`): the caller makes each message and records
each result, a worker thread per connection only sends.

A worker sends a message's data only once the caller has recorded the result of its
previous one (`recorded`), so at most one message per worker is sent and not yet recorded:
a killed run sends at most that many again. Meanwhile it may begin the next transaction (an
SMTP sender says MAIL and RCPT while the caller writes the last result to disk). Each
worker owns its delivery (an SMTP connection is not shared between threads); the caller's
thread keeps the state database to itself and makes the next reader's message while the
previous one is on the wire.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import cast

from feedkit.mail.delivery import Outcome, Sender
from feedkit.mail.smtp import SendStopped, SmtpSender
from feedkit.mail.wire import Copy


@dataclass(frozen=True)
class Done:
    """A worker's result for one reader: an Outcome, or what `send` raised, or neither if
    the workers were stopped before the message was sent."""

    worker: int
    email: str  # the reader's key in the digest's recipients
    outcome: Outcome | None
    error: BaseException | None = None
    gated: bool = False  # its data may have gone: the worker waits for `recorded`


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
        # Taken before a message's data goes, given back once its result is recorded.
        self._permits = [threading.Semaphore(1) for _ in self._senders]
        self._stopping = threading.Event()
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

    def recorded(self, done: Done) -> None:
        """Say that `done` is dealt with: its worker may send the data of its next message."""
        if done.gated:
            self._permits[done.worker].release()

    def stop(self) -> None:
        """Send no more data: each worker's next message is left unsent."""
        self._stopping.set()
        for permit in self._permits:
            permit.release()

    def _work(self, index: int) -> None:
        sender, tasks, permit = self._senders[index], self._tasks[index], self._permits[index]
        taken = False  # this message holds the worker's permit

        def ready() -> bool:
            nonlocal taken
            if not taken:
                permit.acquire()
                taken = True
            return not self._stopping.is_set()

        # An SMTP sender asks just before the data (MAIL and RCPT go meanwhile); any other
        # delivery is asked before it starts.
        asks = isinstance(sender, SmtpSender)
        if asks:
            cast(SmtpSender, sender).before_data = ready
        try:
            while (task := tasks.get()) is not None:
                key, message, address = task
                taken = False
                try:
                    outcome = sender.send(message, address) if asks or ready() else None
                    self._results.put(Done(index, key, outcome, gated=taken))
                except SendStopped:
                    self._results.put(Done(index, key, None, gated=taken))
                except BaseException as exc:  # handed to the caller's thread, raised there
                    self._results.put(Done(index, key, None, exc, gated=taken))
        finally:
            sender.close()

    def close(self) -> None:
        """Let each worker finish the message it has, then close its delivery."""
        self.stop()
        for tasks in self._tasks:
            tasks.put(None)
        for thread in self._threads:
            thread.join()
