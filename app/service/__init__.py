"""The application layer: the use cases the CLI, the app and scheduled jobs call.

Each use case is a plain function that takes the store (an engine) and the inputs, does its work
in its own transaction, and returns a result object or raises a `CxgovError` whose message is
for the person who asked. Edges parse input, call one use case and draw the result; they never
open a session, build a query or wire the core together themselves.

- `database`: where the store is, opening and upgrading it, transactions
- `program`: the program at a date with its evaluation
- `actuals`: record a figure, read its history, KPIs from contacts, recompute the actuals
- `imports`: choose a mapping, import a file and recompute, the imports' reports
- `reviews`: prepare, record, close, show and export the committee's review
- `demo`: fill a store with the demo year
"""
