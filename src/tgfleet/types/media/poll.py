"""``Poll`` and its ``PollOption``s."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tgfleet.enums import PollType
from tgfleet.types.convert import to_date
from tgfleet.types.object import List, Object, lazy


class PollOption(Object):
    """One answer of a poll and how many voted for it (``data`` identifies it when voting)."""

    FIELDS = ("text", "voter_count", "data")

    @classmethod
    def _parse(cls, raw: Any, voters: Any) -> PollOption:
        option = cls._lazy(None, raw)
        option.__dict__["voter_count"] = int(voters.voters or 0) if voters is not None else 0
        return option

    voter_count: int = 0

    @lazy
    def text(self) -> str:
        return str(self._raw.text.text)

    @lazy
    def data(self) -> bytes:
        return bytes(self._raw.option)


class Poll(Object):
    """A poll or a quiz (``correct_option_id``: the right answer, once known)."""

    FIELDS = (
        "id",
        "question",
        "options",
        "total_voter_count",
        "is_closed",
        "is_anonymous",
        "type",
        "allows_multiple_answers",
        "chosen_option_id",
        "correct_option_id",
        "explanation",
        "open_period",
        "close_date",
    )

    @classmethod
    def _parse(cls, client: Any, media: Any) -> Poll:
        return cls._lazy(client, media)

    def _voters(self) -> dict[bytes, Any]:
        results = self._raw.results.results or []
        return {bytes(r.option): r for r in results}

    @lazy
    def id(self) -> str:
        return str(self._raw.poll.id)

    @lazy
    def question(self) -> str:
        return str(self._raw.poll.question.text)

    @lazy
    def options(self) -> List[PollOption]:
        voters = self._voters()
        return List(PollOption._parse(a, voters.get(bytes(a.option))) for a in self._raw.poll.answers)

    @lazy
    def total_voter_count(self) -> int:
        return int(self._raw.results.total_voters or 0)

    @lazy
    def is_closed(self) -> bool:
        return bool(self._raw.poll.closed)

    @lazy
    def is_anonymous(self) -> bool:
        return not self._raw.poll.public_voters

    @lazy
    def type(self) -> PollType:
        return PollType.QUIZ if self._raw.poll.quiz else PollType.REGULAR

    @lazy
    def allows_multiple_answers(self) -> bool:
        return bool(self._raw.poll.multiple_choice)

    @lazy
    def chosen_option_id(self) -> int | None:
        options = [bytes(a.option) for a in self._raw.poll.answers]
        chosen = [r for r in self._voters().values() if r.chosen]
        return options.index(bytes(chosen[0].option)) if chosen and bytes(chosen[0].option) in options else None

    @lazy
    def correct_option_id(self) -> int | None:
        options = [bytes(a.option) for a in self._raw.poll.answers]
        correct = [r for r in self._voters().values() if r.correct]
        return options.index(bytes(correct[0].option)) if correct and bytes(correct[0].option) in options else None

    @lazy
    def explanation(self) -> str | None:
        return self._raw.results.solution or None

    @lazy
    def open_period(self) -> int | None:
        return self._raw.poll.close_period  # type: ignore[no-any-return]

    @lazy
    def close_date(self) -> datetime | None:
        return to_date(self._raw.poll.close_date)
