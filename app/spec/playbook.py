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


class Variable(Strict):
    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    description: str = Field(min_length=1)
    example: str | None = None
    required: bool = True


class Template(Strict):
    id: Id
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


class Playbook(Document):
    KIND: ClassVar[str] = "Playbook"
    kind: Literal["Playbook"]
    spec: PlaybookSpec
