"""Small fixture playbooks built in code, so these tests do not depend on the example program."""

from __future__ import annotations

from typing import Any

from app.spec.playbook import Playbook


def variable(name: str, *, required: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "description": f"the {name}",
        "example": f"example {name}",
        "required": required,
    }


def template(
    body: str,
    *,
    id: str = "note",
    locale: str = "en",
    channel: str = "email",
    subject: str | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": id, "channel": channel, "locale": locale, "body": body}
    if subject is not None:
        data["subject"] = subject
    return data


def make_playbook(
    templates: list[dict[str, Any]],
    variables: list[dict[str, Any]] | None = None,
    *,
    id: str = "late_delivery",
    title: str = "Late delivery",
    situation: str = "A parcel is late.",
    tags: list[str] | None = None,
    channels: list[str] | None = None,
    protects: dict[str, list[str]] | None = None,
    steps: list[str] | None = None,
) -> Playbook:
    return Playbook.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "Playbook",
            "metadata": {"id": id, "title": title},
            "spec": {
                "situation": situation,
                "tags": tags or [],
                "channels": channels or ["email"],
                "protects": protects or {},
                "steps": [{"instruction": text} for text in (steps or ["Apologise."])],
                "variables": variables if variables is not None else [variable("customer_name")],
                "templates": templates,
            },
        }
    )
