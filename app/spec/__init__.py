"""The document kinds of a cxgov program, as pydantic models (pure: no I/O)."""

from app.spec.common import API_VERSION, Document, Metadata, Scope, duration_seconds
from app.spec.goal import Goal, GoalSpec
from app.spec.metric import CONTACT_CALCULATIONS, Metric, MetricSpec
from app.spec.playbook import Playbook, PlaybookSpec
from app.spec.program import (
    KINDS,
    Program,
    ProgramSettings,
    ProgramSpec,
    Source,
    effective_scope,
    measured_series,
)
from app.spec.roadmap import HORIZON_DAYS, Roadmap, RoadmapSpec, item_due_date
from app.spec.sla import SLAContract, SLAContractSpec
from app.spec.vocabulary import SearchVocabulary, VocabularySpec

__all__ = [
    "API_VERSION",
    "CONTACT_CALCULATIONS",
    "HORIZON_DAYS",
    "KINDS",
    "Document",
    "Goal",
    "GoalSpec",
    "Metadata",
    "Metric",
    "MetricSpec",
    "Playbook",
    "PlaybookSpec",
    "Program",
    "ProgramSettings",
    "ProgramSpec",
    "Roadmap",
    "RoadmapSpec",
    "SLAContract",
    "SLAContractSpec",
    "Scope",
    "SearchVocabulary",
    "Source",
    "VocabularySpec",
    "duration_seconds",
    "effective_scope",
    "item_due_date",
    "measured_series",
]
