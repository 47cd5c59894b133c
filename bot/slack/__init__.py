"""The Slack surface: Bolt listeners and pure Block Kit builders."""
