"""Recovery playbooks: when to use them, the steps to follow, and message templates to fill in."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from app.spec.common import Document, Duration, Id, Strict


class Protects(Strict):
    """What the playbook protects: the committee pages link a goal at risk or a missed SLA
    objective to the playbooks that protect its metric or objective."""

    metrics: list[Id] = Field(
        default_factory=list, description="Metric ids from the catalogue, e.g. `csat`."
    )
    objectives: list[str] = Field(
        default_factory=list,
        description="SLA objectives as `contract_id/objective_id`.",
        examples=[["acme_support/first_response_chat"]],
    )


class Step(Strict):
    """One step of the playbook, shown to the agent as a checklist item."""

    instruction: str = Field(
        min_length=1, description="What the agent does, in one or two sentences."
    )
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
    """A value the agent fills in before a template can be sent (the customer's name, a case
    number); the app shows one form field per variable."""

    name: str = Field(
        pattern=r"^[a-z_][a-z0-9_]*$",
        description="The name templates use, as `{{ name }}`.",
    )
    label: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="What the agent sees on the form and in messages, e.g. 'Case number'. "
        "Defaults to the name in words.",
    )
    description: str = Field(
        min_length=1, description="What the value is, shown as the form field's help."
    )
    example: str | None = Field(default=None, description="Shown as the form field's placeholder.")
    required: bool = Field(
        default=True,
        description="A required variable must be filled before the message can be copied; an "
        "optional one left empty renders as nothing.",
    )
    from_ticket: TicketField | None = Field(
        default=None,
        description="The help-desk ticket field that fills this variable when the playbook is "
        "opened from a ticket (`cxgov playbook link`).",
    )

    @property
    def shown_label(self) -> str:
        return self.label or _in_words(self.name)


class Template(Strict):
    """A message template in one language. The same id may exist once per locale; the text uses
    the small, sandboxed template language described in the agents' guide."""

    id: Id = Field(
        description="The template's id within the playbook (shared by its translations)."
    )
    title: str | None = Field(
        default=None,
        min_length=1,
        max_length=80,
        description="What the agent sees in the template picker and in messages, e.g. "
        "'Apology e-mail'. Defaults to the id in words. The agents' page shows the first title "
        "the template's versions give, so one title per template id is enough.",
    )
    channel: Literal["email", "chat", "phone", "sms", "social", "letter"] = Field(
        description="Where the message is sent (a phone template is a script to read)."
    )
    locale: str = Field(
        default="en",
        pattern=r"^[a-z]{2}(-[A-Z]{2})?$",
        description="The language of this version, `en` or `de-AT`; should be one of the "
        "program's `locales`.",
    )
    subject: str | None = Field(default=None, description="The subject line (e-mail, letter).")
    body: str = Field(
        min_length=1, description="The message text, with `{{ variable }}` placeholders."
    )


class PlaybookSpec(Strict):
    """When to use the playbook, its steps, and the messages an agent fills in."""

    situation: str = Field(min_length=1, description="When to use this playbook.")
    tags: list[str] = Field(
        default_factory=list, description="Words agents search by (`complaint`, `outage`)."
    )
    channels: list[str] = Field(
        default_factory=list,
        description="Channels the playbook applies to; the page filters by them.",
    )
    protects: Protects = Field(
        default_factory=Protects, description="The metrics and SLA objectives it protects."
    )
    steps: list[Step] = Field(min_length=1, description="What to do, in order.")
    variables: list[Variable] = Field(
        default_factory=list, description="The values the templates need from the agent."
    )
    templates: list[Template] = Field(
        default_factory=list, description="Messages to fill in and send, per channel and language."
    )

    def template_title(self, template_id: str) -> str:
        """The title agents see for a template id: the first one its versions give, else the id in words."""
        titles = [t.title for t in self.templates if t.id == template_id and t.title]
        return titles[0] if titles else _in_words(template_id)


class Playbook(Document):
    """A recovery playbook for agents: when to use it, the steps with time limits and
    escalation, and message templates to fill in and send."""

    KIND: ClassVar[str] = "Playbook"
    kind: Literal["Playbook"] = Field(description="`Playbook`.")
    spec: PlaybookSpec = Field(description="Situation, steps, variables and templates.")
