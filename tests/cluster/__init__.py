"""The platform on a NATS JetStream cluster with replicated services."""
