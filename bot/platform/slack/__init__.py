"""The Slack side of the house: the Bolt app, the request pipeline that hands each listener
its typed request, the `/mentor` router, and the people cache."""
