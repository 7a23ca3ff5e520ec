"""Recovery playbooks: when to use them, the steps to follow, and message templates to fill in."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from app.spec.common import Document, Duration, Id, Strict


class Protects(Strict):
    metrics: list[Id] = Field(default_factory=list)
    objectives: list[str] = Field(
        default_factory=list,
        description="SLA objectives as `contract_id/objective_id`.",
        examples=[["acme_support/first_response_chat"]],
    )


class Step(Strict):
    instruction: str = Field(min_length=1)
    time_limit: Duration | None = Field(
        default=None, description="e.g. '15 minutes' for a triage step."
    )
    escalation: str | None = Field(default=None, description="Who to escalate to, and when.")


TicketField = Literal[
    "ticket_id",
    "ticket_subject",
    "requester_name",
    "requester_first_name",
    "requester_email",
    "organization",
    "agent_name",
    "agent_first_name",
]
"""The help-desk ticket fields a playbook link can carry into a variable (see `app.playbooks.links`)."""


def _in_words(identifier: str) -> str:
    """`broken_promise_email` → "Broken promise email": what a name reads as when no label is given."""
    words = identifier.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


class Variable(Strict):
    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    label: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="What the agent sees on the form and in messages, e.g. 'Case number'. "
        "Defaults to the name in words.",
    )
    description: str = Field(min_length=1)
    example: str | None = None
    required: bool = True
    from_ticket: TicketField | None = Field(
        default=None,
        description="The help-desk ticket field that fills this variable when the playbook is "
        "opened from a ticket (`cxgov playbook link`).",
    )

    @property
    def shown_label(self) -> str:
        return self.label or _in_words(self.name)


class Template(Strict):
    id: Id
    title: str | None = Field(
        default=None,
        min_length=1,
        max_length=80,
        description="What the agent sees in the template picker and in messages, e.g. "
        "'Apology e-mail'. Defaults to the id in words. The agents' page shows the first title "
        "the template's versions give, so one title per template id is enough.",
    )
    channel: Literal["email", "chat", "phone", "sms", "social", "letter"]
    locale: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    subject: str | None = None
    body: str = Field(min_length=1)


class PlaybookSpec(Strict):
    situation: str = Field(min_length=1, description="When to use this playbook.")
    tags: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list)
    protects: Protects = Field(default_factory=Protects)
    steps: list[Step] = Field(min_length=1)
    variables: list[Variable] = Field(default_factory=list)
    templates: list[Template] = Field(default_factory=list)

    def template_title(self, template_id: str) -> str:
        """The title agents see for a template id: the first one its versions give, else the id in words."""
        titles = [t.title for t in self.templates if t.id == template_id and t.title]
        return titles[0] if titles else _in_words(template_id)


class Playbook(Document):
    KIND: ClassVar[str] = "Playbook"
    kind: Literal["Playbook"]
    spec: PlaybookSpec
