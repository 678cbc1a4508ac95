"""Alert rules (data, from settings), their evaluation over the journal, alert lifecycle and webhooks."""
