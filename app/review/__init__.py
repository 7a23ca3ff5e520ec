"""Steering-committee reviews: the pack built from the evaluation (pure), the record people keep
(store), the lifecycle draft → in_meeting → closed with a frozen snapshot, and exports."""
