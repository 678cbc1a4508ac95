"""Deployment: schema migrations, Kubernetes manifests, the container image."""
