"""The infrastructure every feature stands on: settings, clock, database, outbox, scheduler, the
Slack request pipeline, the web server and the runtime that assembles them."""
