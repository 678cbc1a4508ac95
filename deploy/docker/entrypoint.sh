#!/bin/sh
# One image, one entry point per service (the Deployments' args):
#   netsynchro gateway | bee | sts | supervision | ginweb
#   netsynchro migrate <service> upgrade head        (the init containers)
#   netsynchro admin <commande> …                     (the operator: docs/operations.md)
set -eu

usage() {
    echo "usage: netsynchro {gateway|bee|sts|supervision|ginweb} | netsynchro migrate <service> <command> | netsynchro admin <commande>" >&2
    exit 64
}

[ $# -ge 1 ] || usage
service="$1"
shift
case "$service" in
    gateway | bee | sts | supervision | ginweb) exec python -m "services.$service" "$@" ;;
    migrate) exec python -m services.common.migrate "$@" ;;
    admin) exec python -m services.admin "$@" ;;
    *) usage ;;
esac
