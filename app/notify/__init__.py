"""Between meetings: what is new in the program, who hears it, in their words, and sending it.

- `events` (pure): the events that exist as of a date — a goal that got worse, an SLA objective
  heading for a credit, a credit owed, a roadmap item overdue, a stale series, a missing check-in —
  each with a stable key, so the store can say which were already sent;
- `recipients` (pure): the people and chat rooms of program.yaml, their roles and locales, and
  which events each hears (an agent never hears an amount);
- `messages` (pure, Babel for numbers and dates): one short digest per recipient in their locale,
  each line linking to the item's page in the app;
- `send`: the edge that hands a digest to Apprise (e-mail, Slack, Teams, Mattermost, webhooks).

The use case that ties them to the store — claim, send, record, exactly once — is
`app.service.notify`.
"""
